import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { rendererBuildStamp } from './scripts/renderer-build-stamp.ts';

// One build tool for main, preload and renderer. The preload is CommonJS because sandboxed
// preloads cannot be ES modules.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: 'main/electron/main.ts' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: 'main/electron/preload.ts' },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    // The stamp tells browser mode whether this build is its sources' (scripts/renderer-build-stamp.ts).
    plugins: [react(), rendererBuildStamp(import.meta.dirname)],
    // As renderer/vite.config.ts: zod with its eval probe off, before any schema is built.
    resolve: {
      alias: [{ find: /^zod$/, replacement: `${import.meta.dirname}/renderer/zod-alias.ts` }],
    },
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified; minified it parses faster and is ~2.5x smaller.
      minify: true,
      // echarts is its own lazy chunk (~540 KB raw, 180 KB gzipped), loaded with the first chart.
      chunkSizeWarningLimit: 600,
      rollupOptions: { input: 'renderer/index.html' },
    },
  },
});
