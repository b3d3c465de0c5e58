// Worker thread entry for source checkouts (`earshot`, tests): worker threads cannot load .ts by
// themselves, so register tsx's loader in this thread, then import the TypeScript worker (the same
// pattern as bin/earshot.js). Bundled builds skip this file: electron-vite compiles
// worker-main.ts as its own entry and the app passes its URL as WorkerPool's `workerEntry`.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
