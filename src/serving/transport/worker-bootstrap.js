// Worker thread entry. Worker threads cannot load .ts by themselves: register tsx's loader in
// this thread, then import the TypeScript worker (the same pattern as bin/earshot.js).
// A bundled build (electron-vite) points WorkerPool at its compiled worker-main.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
