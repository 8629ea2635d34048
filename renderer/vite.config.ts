import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Browser mode's build of the renderer; electron.vite.config.ts builds the same sources for Electron.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
});
