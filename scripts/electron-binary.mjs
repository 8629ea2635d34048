// Finds the Electron binary without triggering the electron package's download-on-first-use,
// which hangs or fails on machines that cannot reach Electron's download server.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** @returns {{ path?: string, reason?: string }} */
export function findElectronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const full = join(override, relative || 'electron');
    return existsSync(full)
      ? { path: full }
      : { reason: `ELECTRON_OVERRIDE_DIST_PATH has no binary at ${full}` };
  }
  if (!relative)
    return { reason: 'no Electron binary was downloaded (node_modules/electron/path.txt is missing)' };
  const full = join(pkgDir, 'dist', relative);
  return existsSync(full) ? { path: full } : { reason: `the Electron binary ${full} is missing` };
}
