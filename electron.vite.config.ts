import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The worker pool's thread entry is bundled beside index.js (see src/main/index.ts).
        input: { index: resolve('src/main/index.ts'), 'worker-main': resolve('src/serving/transport/worker-main.ts') },
        external: ['onnxruntime-node', 'better-sqlite3', 'sherpa-onnx-node'],
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
