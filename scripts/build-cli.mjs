#!/usr/bin/env node
// Bundles the `switchyard` command (main/cli.ts and what it loads) into out/cli, so that it starts
// without compiling TypeScript at run time. bin/switchyard.mjs falls back to the sources (through
// tsx) when this bundle is missing or older than them.
import { build } from 'esbuild';
import { cliBuildOptions } from './cli-bundle.mjs';

await build(cliBuildOptions(process.cwd(), 'out/cli'));
