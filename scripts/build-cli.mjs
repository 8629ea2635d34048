#!/usr/bin/env node
// Bundles the `switchyard` command (main/cli.ts and what it loads) into out/cli, so that it starts
// without compiling TypeScript at run time. bin/switchyard.mjs falls back to the sources (through
// tsx) when this bundle is missing or older than them: the build stamp written last here lists,
// per command, the sources its chunks load (bin/cli-build-stamp.mjs). Each file command is also
// bundled as one CommonJS file in out/cli/file-commands, and so is what `web` loads once the page has
// its script (web-core), each with a stamp of its own written after it (bin/cli-file-command.mjs
// runs them).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { STAMP_FILE, stampFromMetafile } from '../bin/cli-build-stamp.mjs';
import {
  asciiOnly,
  cliBuildOptions,
  FILE_COMMANDS,
  FILE_COMMANDS_DIR,
  fileCommandBuildOptions,
  fileCommandStamp,
  presetPatternsAcceptedByRe2,
  WEB_CORE_BUNDLE,
  webCoreBuildOptions,
} from './cli-bundle.mjs';

const outdir = 'out/cli';
const fileCommandsDir = join(outdir, FILE_COMMANDS_DIR);
// No stamp while building: a build that fails half-way leaves a bundle bin/switchyard.mjs won't run.
rmSync(join(outdir, STAMP_FILE), { force: true });
for (const command of [...FILE_COMMANDS, WEB_CORE_BUNDLE])
  rmSync(join(fileCommandsDir, `${command}.json`), { force: true });
const builtAtMs = Date.now();
const [result, fileCommands, web] = await Promise.all([
  build({ ...cliBuildOptions(process.cwd(), outdir), metafile: true }),
  presetPatternsAcceptedByRe2(process.cwd()).then((accepted) =>
    build({ ...fileCommandBuildOptions(process.cwd(), outdir, accepted), metafile: true }),
  ),
  build({ ...webCoreBuildOptions(process.cwd(), outdir), metafile: true }),
]);
writeFileSync(join(outdir, STAMP_FILE), `${JSON.stringify(stampFromMetafile(result.metafile, builtAtMs))}\n`);
for (const [output, meta] of [
  ...Object.entries(fileCommands.metafile.outputs),
  ...Object.entries(web.metafile.outputs),
]) {
  const text = readFileSync(output, 'utf8');
  const ascii = asciiOnly(text);
  if (ascii !== text) writeFileSync(output, ascii);
  const stamp = fileCommandStamp(process.cwd(), output, meta, builtAtMs);
  writeFileSync(output.replace(/\.cjs$/, '.json'), `${JSON.stringify(stamp)}\n`);
}
