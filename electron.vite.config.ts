import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // Worker-thread entries are bundled beside index.js, which passes their URLs (src/main/index.ts):
        // the recognizer pool's thread and the model-archive unpacker. Neither may import electron
        // (src/main/packaged-bundle.test.ts builds this config and runs both with plain Node).
        input: {
          index: resolve('src/main/index.ts'),
          'worker-main': resolve('src/serving/transport/worker-main.ts'),
          'archive-extract-worker': resolve('src/serving/models/archive-extract-worker.ts'),
        },
        // pffft-wasm's Emscripten glue finds its .wasm beside itself, so it stays in node_modules.
        external: ['onnxruntime-node', 'better-sqlite3', 'sherpa-onnx-node', '@echogarden/pffft-wasm/simd'],
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads must be CommonJS.
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
