#!/usr/bin/env node
// Bundles the `switchyard` command (main/cli.ts and what it loads) into out/cli, so that it starts
// without compiling TypeScript at run time. bin/switchyard.mjs falls back to the sources (through
// tsx) when this bundle is missing or older than them: the build stamp written last here lists,
// per command, the sources its chunks load (bin/cli-build-stamp.mjs).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { STAMP_FILE, stampFromMetafile } from '../bin/cli-build-stamp.mjs';
import { cliBuildOptions } from './cli-bundle.mjs';

const outdir = 'out/cli';
// No stamp while building: a build that fails half-way leaves a bundle bin/switchyard.mjs won't run.
rmSync(join(outdir, STAMP_FILE), { force: true });
const builtAtMs = Date.now();
const result = await build({ ...cliBuildOptions(process.cwd(), outdir), metafile: true });
writeFileSync(join(outdir, STAMP_FILE), `${JSON.stringify(stampFromMetafile(result.metafile, builtAtMs))}\n`);
