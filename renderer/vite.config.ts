import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { rendererBuildStamp } from '../scripts/renderer-build-stamp.ts';

// Browser mode's build of the renderer; electron.vite.config.ts builds the same sources for Electron.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), rendererBuildStamp(`${import.meta.dirname}/..`)],
  // zod with its eval probe off, before any schema is built (zod-alias.ts says why).
  resolve: { alias: [{ find: /^zod$/, replacement: `${import.meta.dirname}/zod-alias.ts` }] },
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
});
