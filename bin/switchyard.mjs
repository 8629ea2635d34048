#!/usr/bin/env node
// The `switchyard` command. Runs the bundle in out/cli when it is there and newer than the
// sources (`npm run build` makes it); otherwise runs the TypeScript sources through tsx, so a
// fresh clone works right after `npm ci`, only slower to start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'out', 'cli', 'cli.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function bundleIsCurrent() {
  if (process.env.SWITCHYARD_FROM_SOURCE === '1' || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return newestSource(join(root, 'main')) <= built && newestSource(join(root, 'shared')) <= built;
}

let cli;
if (bundleIsCurrent()) {
  cli = await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../main/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
