#!/usr/bin/env node
// `npm run bench [name]`: every benchmark under test/bench, one after another; each prints JSON.
// At the end, one table of every figure against its goal, with the load average it was measured at
// and the kubectl peer where there is one (the `figures` of each benchmark's JSON; a benchmark
// without them is listed by its overall verdict). The table also goes to test-results/bench.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { benchRows, figuresTable } from './bench-table.mjs';

const only = process.argv[2];
const files = readdirSync('test/bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.includes(only))
  .sort();
let failed = 0;
const rows = [];
for (const file of files) {
  console.error(`━━ ${file}`);
  const run = spawnSync('npx', ['tsx', `test/bench/${file}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout ?? '');
  if (run.status !== 0) failed++;
  rows.push(...benchRows(file, run.stdout ?? '', run.status));
}
const table = figuresTable(rows, { cores: cpus().length, loadAvg1m: loadavg()[0] ?? 0 });
console.log(`\n${table}`);
mkdirSync('test-results', { recursive: true });
writeFileSync('test-results/bench.md', `${table}\n`);
process.exit(failed ? 1 : 0);
