#!/usr/bin/env node
// The `switchyard` command. Runs the TypeScript sources directly through tsx, so a fresh
// clone needs no build step for the CLI (the web command builds the renderer when missing).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
