// Issue 13, figure 4a: the `switchyard` file commands, wall time of one process each (what the
// operator waits for at the prompt), against `kubectl version --client` timed pair by pair in the
// same run, and a bare `node -e 0` (the floor every Node command pays). Goal: < 100 ms median each.
// Runs the built bundle (out/cli, rebuilt here first, as `npm run build` does): each file command
// from its one-file bundle in out/cli/file-commands, whose V8 code cache the first, unmeasured round
// writes (the JSON says which commands have one made from their current bundle). Run:
// npx tsx test/bench/cli.bench.ts (BENCH_RUNS, default 15). Prints JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { reviewsRoute } from '../helpers/reviews-route.ts';
import { figure, load1m, median, report, round1 } from './lib/figures.ts';

const root = resolve(import.meta.dirname, '../..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const GOAL_MS = 100;

const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('building out/cli failed');

const dir = mkdtempSync(join(tmpdir(), 'sy-bench-cli-'));
const vs = join(dir, 'vs.yaml');
writeFileSync(vs, reviewsRoute(100, 'the reviews route, as a GitOps repository keeps it'));
const fixtures = join(root, 'test/fixtures');
const commands: Record<string, string[]> = {
  split: ['split', '-f', vs, '--host', 'reviews', '--set', 'v1=90,v2=10'],
  cutover: ['cutover', '-f', vs, '--host', 'reviews', '--to', 'v2'],
  route: ['route', '-f', vs, '--host', 'reviews', '--to', 'v2', '--when', 'header:x-canary=true'],
  match: ['match', '--os', 'android', '--browser', 'chrome'],
  lint: ['lint', '-f', join(fixtures, 'lint/clean.yaml')],
  preview: [
    'preview',
    '-f',
    join(fixtures, 'preview/reviews.yaml'),
    '--host',
    'reviews',
    '--requests',
    join(fixtures, 'preview/requests.jsonl'),
  ],
};
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

function wall(cmd: string, args: string[], okCodes = [0]): number {
  const started = performance.now();
  const run = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - started;
  if (!okCodes.includes(run.status ?? -1))
    throw new Error(`${[cmd, ...args].join(' ')} exited with ${run.status}: ${run.stderr}`);
  return ms;
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
const peers: number[] = [];
const nodes: number[] = [];
const loads: number[] = [];
for (let i = 0; i < runs + 1; i++) {
  const round: Record<string, number> = {};
  for (const [name, args] of Object.entries(commands))
    round[name] = wall(process.execPath, ['bin/switchyard.mjs', ...args], name === 'lint' ? [0, 1] : [0]);
  const peer = kubectl ? wall(kubectl, ['version', '--client']) : Number.NaN;
  const node = wall(process.execPath, ['-e', '0']);
  if (i === 0) continue; // warms the page cache
  for (const [name, ms] of Object.entries(round)) times[name]?.push(ms);
  peers.push(peer);
  nodes.push(node);
  loads.push(load1m());
}

/** Whether the command's code cache was made from its current bundle (its header is the bundle's sha256). */
function hasCodeCache(command: string): boolean {
  const dir = join(root, 'out/cli/file-commands');
  try {
    const { hash } = JSON.parse(readFileSync(join(dir, `${command}.json`), 'utf8')) as { hash: string };
    return readFileSync(join(dir, `${command}.v8cache`)).toString('latin1', 0, 64) === hash;
  } catch {
    return false;
  }
}

const loadAvg1m = round1(median(loads));
const peer = kubectl ? { name: 'kubectl version --client', value: median(peers) } : undefined;
report(
  'cli: file commands, one process each, wall time',
  Object.entries(times).map(([name, xs]) =>
    figure(`switchyard ${name} (process wall), median`, median(xs), 'ms', GOAL_MS, {
      loadAvg1m,
      ...(peer ? { peer } : { note: 'kubectl is not installed: no peer' }),
    }),
  ),
  {
    runs,
    nodeEmptyProcessMs: round1(median(nodes)),
    maxMs: Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, round1(Math.max(...xs))])),
    codeCache: Object.fromEntries(Object.keys(commands).map((k) => [k, hasCodeCache(k)])),
  },
);
