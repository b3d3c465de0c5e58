import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Publishes models/catalog.json at /models/catalog.json, where the web UI's read-only model view reads it. */
function modelCatalog(): Plugin {
  return {
    name: 'earshot-model-catalog',
    generateBundle() {
      const source = new URL('./models/catalog.json', import.meta.url);
      this.emitFile({ type: 'asset', fileName: 'models/catalog.json', source: readFileSync(source, 'utf8') });
    },
  };
}

// The same renderer bundle, built as a plain web page that `earshot serve` hosts.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react(), modelCatalog()],
  build: { outDir: '../../out/web', emptyOutDir: true },
});
