import { writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';
import { RENDERER_STAMP_FILE } from '../main/server/renderer-build.ts';

// Browser mode renders the first screen on the server from the app code it runs, and the page's
// scripts then hydrate it: both must come from the same sources, or React finds a mismatch (text
// it replaces by rendering again, attributes it leaves stale). This plugin writes, next to the
// built index.html, when the build started and every repository source it bundled; the web
// command (main/server/renderer-build.ts) serves the first screen only while none is newer.

export interface RendererBuildStamp {
  builtAtMs: number;
  /** Repository-relative, '/'-separated paths of the bundled sources (no node_modules). */
  sources: string[];
}

/** The stamp's sources from a build's module ids: files of the repository, outside node_modules. */
export function stampSources(moduleIds: Iterable<string>, repoRoot: string): string[] {
  const out = new Set<string>();
  for (const id of moduleIds) {
    // Virtual modules (\0...) and ids with a query (?worker, ?inline) are no files of their own.
    if (id.startsWith('\0') || id.includes('?')) continue;
    const path = relative(repoRoot, id);
    if (path.startsWith('..') || path.includes('node_modules')) continue;
    out.add(path.split(sep).join('/'));
  }
  return [...out].sort();
}

export function rendererBuildStamp(repoRoot: string): Plugin {
  let builtAtMs = 0;
  return {
    name: 'switchyard-renderer-build-stamp',
    apply: 'build',
    buildStart() {
      builtAtMs = Date.now();
    },
    writeBundle(options) {
      if (!options.dir) return;
      const stamp: RendererBuildStamp = { builtAtMs, sources: stampSources(this.getModuleIds(), repoRoot) };
      writeFileSync(join(options.dir, RENDERER_STAMP_FILE), `${JSON.stringify(stamp)}\n`);
    },
  };
}
