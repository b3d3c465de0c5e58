// Worker thread entry for unpacking. Worker threads cannot load .ts by themselves: register
// tsx's loader in this thread, then import the TypeScript worker (as transport/worker-bootstrap.js).
// A bundled build (electron-vite) points ModelStoreConfig.extractWorkerEntry at its compiled worker instead.
import { register } from 'tsx/esm/api';

register();
await import('./archive-extract-worker.ts');
