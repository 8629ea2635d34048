import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultRendererDir = join(repoRoot, 'out', 'renderer');

/**
 * Browser mode serves the built renderer. In a fresh clone nothing is built yet, so the first
 * `switchyard web` builds it (a few seconds) rather than failing.
 */
export async function ensureRendererBuilt(dir: string, log: (line: string) => void): Promise<void> {
  if (existsSync(join(dir, 'index.html'))) return;
  log(`building the renderer into ${dir} (first run only)…\n`);
  const { build } = await import('vite');
  await build({
    configFile: join(repoRoot, 'renderer', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true },
  });
}

/** What scripts/renderer-build-stamp.ts writes next to the built index.html. */
export const RENDERER_STAMP_FILE = 'build-stamp.json';

/**
 * Whether the renderer build in `dir` was built from the sources as they are now: undefined when
 * it was, else why not. Browser mode renders the first screen from the sources it runs, and the
 * page's scripts hydrate it; from a build of other sources React would find a mismatch. Where
 * there are no sources (an installed package), the build is the only code there is: current.
 */
export function rendererStaleness(dir: string, root: string = repoRoot): string | undefined {
  if (!existsSync(join(root, 'renderer', 'src'))) return undefined;
  let stamp: { builtAtMs?: unknown; sources?: unknown };
  try {
    stamp = JSON.parse(readFileSync(join(dir, RENDERER_STAMP_FILE), 'utf8')) as typeof stamp;
  } catch {
    return `${dir} has no build stamp (built before it had one, or by other means)`;
  }
  const { builtAtMs, sources } = stamp;
  if (typeof builtAtMs !== 'number' || !Array.isArray(sources))
    return `${dir}/${RENDERER_STAMP_FILE} is not a build stamp`;
  for (const source of sources) {
    if (typeof source !== 'string') return `${dir}/${RENDERER_STAMP_FILE} is not a build stamp`;
    const stats = statSync(join(root, source), { throwIfNoEntry: false });
    if (!stats) return `${source} is gone since ${dir} was built`;
    if (stats.mtimeMs > builtAtMs) return `${source} changed since ${dir} was built`;
  }
  return undefined;
}
