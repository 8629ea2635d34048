#!/usr/bin/env node
// The `switchyard` command. Runs the bundle in out/cli when it was built from the sources as they
// are (`npm run build` makes it; its build stamp lists the sources each command loads, see
// cli-build-stamp.mjs); otherwise runs the TypeScript sources through tsx, so a fresh clone works
// right after `npm ci`, only slower to start. A file command (split, cutover, ...) runs from its own
// one-file bundle with a V8 code cache when that is current (cli-file-command.mjs).
import { runFileCommand } from './cli-file-command.mjs';

// Not imported: see cli-file-command.mjs on built-ins in these ES modules.
const { fileURLToPath } = process.getBuiltinModule('node:url');

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}out/cli`;
const argv = process.argv.slice(2);
const fromSource = process.env.SWITCHYARD_FROM_SOURCE === '1';

const fileCommandCode = fromSource ? undefined : await runFileCommand(root, outdir, argv);
if (fileCommandCode !== undefined) {
  process.exitCode = fileCommandCode;
} else {
  // Loaded only here: a file command never needs it.
  const { bundleIsCurrent } = await import('./cli-build-stamp.mjs');
  let cli;
  if (!fromSource && bundleIsCurrent(root, outdir, argv[0])) {
    cli = await import(`${outdir}/cli.js`);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import('../main/cli.ts');
  }
  process.exitCode = await cli.main(argv);
}
