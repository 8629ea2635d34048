import { existsSync } from 'node:fs';
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
