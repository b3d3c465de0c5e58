import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The same renderer bundle, built as a plain web page that `earshot serve` hosts.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../../out/web', emptyOutDir: true },
});
