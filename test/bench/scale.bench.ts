// Issue 13, figure 3: 50,000 services (`switchyard demo --services 50000`: each with a
// VirtualService, DestinationRule, Deployments and pods). Opt-in, it takes minutes: BENCH_SCALE=1
// (BENCH_SERVICES, default 50000). Measures, each in a process of its own:
// - the demo mesh (the built `switchyard demo`): its RSS (goal < 600 MB) and the time to list all
//   VirtualServices (goal < 300 ms, judged on the server's time to last byte: the request sent to
//   the body's last byte received, before the client parses it), beside `kubectl get
//   virtualservices -A` pair by pair; the client's total (with JSON.parse) is reported beside it,
//   and the same list right after a patch of one VirtualService (a changed object must not make
//   the whole list be serialized again);
// - the console's main process (the session code, bundled, on plain Node): the longest event-loop
//   stall while it syncs everything and computes every release (goal < 50 ms), and its RSS (goal
//   < 250 MB): right after, at its peak, once idle (V8's memory reducer, up to BENCH_IDLE_MS) and
//   after a full GC, with the live heap split into the code's (before any session) and the
//   session's, what the cache holds kind by kind, and, when over the goal, why (mainMemoryWhy).
// The service list render and filter at this size: BENCH_SERVICES=50000 npx tsx test/bench/console.bench.ts.
// Run: BENCH_SCALE=1 npx tsx test/bench/scale.bench.ts. Prints JSON. BENCH_LIST_ONLY=1 measures
// only the demo mesh's lists and RSS (no kubectl, no main process: about 30 s at 50,000).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { figure, load1m, median, report, round1 } from './lib/figures.ts';

const root = resolve(import.meta.dirname, '../..');
const services = Number(process.env.BENCH_SERVICES ?? 50_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const listOnly = process.env.BENCH_LIST_ONLY === '1';
const GOAL = { listMs: 300, demoRssMb: 600, stallMs: 50, mainRssMb: 250 };

if (process.env.BENCH_SCALE !== '1') {
  console.log(
    JSON.stringify({
      benchmark: `scale: ${services} services`,
      skipped: 'opt-in (takes minutes): run with BENCH_SCALE=1',
      figures: [],
    }),
  );
  process.exit(0);
}

/** The process's resident set now (VmRSS), or its peak so far (VmHWM), in MB. */
function rssMbOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return round1(kb / 1024);
}

async function startDemo(kubeconfig: string): Promise<{ child: ChildProcess; url: string }> {
  const cli = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, stdio: 'inherit' });
  if (cli.status !== 0) throw new Error('building out/cli failed');
  const child = spawn(
    process.execPath,
    ['bin/switchyard.mjs', 'demo', '--services', String(services), '--kubeconfig', kubeconfig],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (c) => {
      out += c;
      const m = /demo mesh ready: (\S+)/.exec(out);
      if (m?.[1]) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`switchyard demo exited with ${code}`)));
  });
  return { child, url };
}

/** The console's main process, bundled as the built app runs it, syncing the whole demo mesh. */
async function measureMainProcess(kubeconfig: string) {
  mkdirSync(join(root, 'out/bench'), { recursive: true });
  const childFile = join(root, 'out/bench/scale-sync-child.mjs');
  await build({
    entryPoints: [join(root, 'test/bench/lib/scale-sync-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: childFile,
    logLevel: 'warning',
  });
  const sync = spawnSync(process.execPath, ['--expose-gc', childFile, kubeconfig], {
    cwd: root,
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (sync.status !== 0) throw new Error(`the sync child failed: ${sync.stderr}`);
  return JSON.parse(sync.stdout.trim().split('\n').at(-1) as string) as {
    objectsCached: number;
    releases: number;
    syncMs: number;
    releasesReadyMs: number;
    maxStallMs: number;
    /** The longest stall, split (Linux) into the time the thread ran and the time it waited for a CPU. */
    longestStall: { ms: number; ranMs?: number; waitedForCpuMs?: number };
    /** The most the thread itself ran within any one stall (its own work and GC). */
    maxRanInStallMs?: number;
    rssMb: number;
    peakRssMb: number;
    afterIdle?: {
      idleMs: number;
      collected: boolean;
      rssMb: number;
      heapUsedMb: number;
      heapTotalMb: number;
    };
    afterFullGc?: { rssMb: number; heapUsedMb: number; baselineHeapMb?: number };
    cachedByKind?: Record<string, { objects: number; jsonMb: number }>;
  };
}

/**
 * Why main's RSS goal is not met, from the child's own measures: how much of the live heap is the
 * session's (the cache, its indexes and the releases) and what that costs per cached object,
 * against what the goal leaves for it once the code and the memory outside the heap are counted.
 */
function mainMemoryWhy(main: Awaited<ReturnType<typeof measureMainProcess>>): string | undefined {
  const gc = main.afterFullGc;
  if (!gc || gc.baselineHeapMb === undefined || gc.rssMb < GOAL.mainRssMb) return undefined;
  const sessionMb = gc.heapUsedMb - gc.baselineHeapMb;
  const outsideHeapMb = gc.rssMb - gc.heapUsedMb;
  const budgetMb = GOAL.mainRssMb - outsideHeapMb - gc.baselineHeapMb;
  const perObject = (megabytes: number) => Math.round((megabytes * 1024 * 1024) / main.objectsCached);
  const jsonMb = Object.values(main.cachedByKind ?? {}).reduce((sum, k) => sum + k.jsonMb, 0);
  return (
    `not met: of the ${gc.heapUsedMb} MB live heap, ${gc.baselineHeapMb} MB is there before any session (the code); ` +
    `the session's ${round1(sessionMb)} MB holds ${main.objectsCached} cached objects (${round1(jsonMb)} MB as JSON), ` +
    `their indexes and ${main.releases} releases: ${perObject(sessionMb)} bytes of heap per object. ` +
    `With ${round1(outsideHeapMb)} MB of RSS outside the heap, ${GOAL.mainRssMb} MB leaves the session ` +
    `${round1(budgetMb)} MB (${perObject(budgetMb)} bytes per object): ` +
    "not reachable while main holds the cluster as JavaScript objects (ARCHITECTURE.md, main's memory at scale)"
  );
}

/**
 * What the longest stall was made of, when the thread's schedstat told: a stall the thread spent
 * mostly waiting for a CPU was the machine's two cores (shared with the demo mesh being listed),
 * not the code; `maxRanInStallMs` is what the code itself held the loop at most.
 */
function stallNote(main: Awaited<ReturnType<typeof measureMainProcess>>): string {
  const { longestStall: l, maxRanInStallMs } = main;
  if (l.ranMs === undefined || l.waitedForCpuMs === undefined)
    return 'no schedstat here: the stall is not split into running and waiting for a CPU';
  return (
    `the longest stall: the thread ran ${l.ranMs} ms of it and waited ${l.waitedForCpuMs} ms for a CPU; ` +
    `the most it ran within any stall: ${maxRanInStallMs} ms`
  );
}

const dir = mkdtempSync(join(tmpdir(), 'sy-bench-scale-'));
const kubeconfig = join(dir, 'kubeconfig');
const startedDemo = performance.now();
const { child: demo, url } = await startDemo(kubeconfig);
const demoStartMs = performance.now() - startedDemo;
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
try {
  const config = parse(readFileSync(kubeconfig, 'utf8')) as {
    users: Array<{ name: string; user: { token: string } }>;
    clusters: Array<{ cluster: { 'certificate-authority-data': string } }>;
  };
  const token = config.users.find((u) => u.name === 'demo-admin')?.user.token;
  const ca = Buffer.from(config.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64');
  const agent = new Agent({ ca, keepAlive: true });
  const headers = { authorization: `Bearer ${token}` };
  const vsPath = '/apis/networking.istio.io/v1/virtualservices';
  type Meta = { metadata: { name: string; namespace: string } };
  interface Listed {
    count: number;
    /** The item at the fraction `at` of the list (the parsed body itself is let go at once). */
    picked: Meta | undefined;
    /** Request sent → the body's last byte received (the server's part, and the loopback's). */
    lastByteMs: number;
    /** Request sent → the body parsed (what a client waits for). */
    totalMs: number;
  }
  /**
   * One list of every VirtualService, as a client reads it (the whole body, parsed). Only one item
   * is kept: 50,000 parsed objects kept alive would make this process's GC part of the next figure.
   */
  const listAll = (at = 0) =>
    new Promise<Listed>((ok, fail) => {
      const t0 = performance.now();
      const req = httpsRequest(`${url}${vsPath}`, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const lastByteMs = performance.now() - t0;
          const { items } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items: Meta[] };
          const picked = items[Math.floor(at * items.length)];
          ok({ count: items.length, picked, lastByteMs, totalMs: performance.now() - t0 });
        });
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end();
    });
  /** A merge patch of one VirtualService's labels (a new resourceVersion for that object only). */
  const patchOne = (namespace: string, name: string, value: string) =>
    new Promise<void>((ok, fail) => {
      const req = httpsRequest(
        `${url}/apis/networking.istio.io/v1/namespaces/${namespace}/virtualservices/${name}`,
        {
          agent,
          method: 'PATCH',
          headers: { ...headers, 'content-type': 'application/merge-patch+json' },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? ok() : fail(new Error(`patch answered ${res.statusCode}`)),
          );
        },
      );
      req.on('error', fail);
      req.end(JSON.stringify({ metadata: { labels: { 'bench.switchyard.io/run': value } } }));
    });
  const lastBytes: number[] = [];
  const totals: number[] = [];
  const afterPatch: number[] = [];
  const peers: number[] = [];
  const loads: number[] = [];
  let listed = 0;
  for (let i = 0; i < runs + 1; i++) {
    // A different VirtualService patched each run, spread over the list (generated filler mostly).
    const first = await listAll((i + 0.5) / (runs + 1));
    listed = first.count;
    let peer = Number.NaN;
    if (kubectl && !listOnly) {
      const p0 = performance.now();
      const run = spawnSync(
        kubectl,
        [
          '--kubeconfig',
          kubeconfig,
          '--context',
          'demo-admin',
          'get',
          'virtualservices',
          '-A',
          '-o',
          'name',
          '--chunk-size=0',
        ],
        { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      );
      peer = performance.now() - p0;
      if (run.status !== 0) throw new Error(`kubectl get failed: ${run.stderr}`);
    }
    const target = first.picked;
    if (!target) throw new Error('the list is empty');
    await patchOne(target.metadata.namespace, target.metadata.name, String(i));
    const patched = await listAll();
    if (i === 0) continue;
    lastBytes.push(first.lastByteMs);
    totals.push(first.totalMs);
    afterPatch.push(patched.lastByteMs);
    peers.push(peer);
    loads.push(load1m());
  }
  const demoRss = rssMbOf(demo.pid as number);
  const demoPeakRss = rssMbOf(demo.pid as number, 'VmHWM');
  const loadAvg1m = round1(median(loads));
  const listFigures = [
    figure(
      `demo mesh: list all ${listed} VirtualServices, server time to last byte, median`,
      median(lastBytes),
      'ms',
      GOAL.listMs,
      {
        loadAvg1m,
        note: 'the goal is judged on this figure: request sent to the last byte received, before JSON.parse',
        ...(kubectl && !listOnly
          ? { peer: { name: 'kubectl get virtualservices -A -o name --chunk-size=0', value: median(peers) } }
          : {}),
      },
    ),
    figure(
      `demo mesh: list all ${listed} VirtualServices, client total with JSON.parse, median`,
      median(totals),
      'ms',
      GOAL.listMs,
      { loadAvg1m, note: 'informative: the client parsing the body is not the server' },
    ),
    figure(
      `demo mesh: list all ${listed} VirtualServices right after a patch of one, server time to last byte, median`,
      median(afterPatch),
      'ms',
      GOAL.listMs,
      { loadAvg1m },
    ),
    figure('demo mesh: RSS with everything loaded', demoRss, 'MB', GOAL.demoRssMb, {
      loadAvg1m,
      note: 'depends on when V8 last collected',
    }),
    figure('demo mesh: peak RSS (VmHWM) over start and every list', demoPeakRss, 'MB', GOAL.demoRssMb, {
      loadAvg1m,
    }),
  ];
  if (listOnly) {
    report(`scale: ${services} services (demo lists only)`, listFigures, {
      services,
      demoStartMs: Math.round(demoStartMs),
      runs: {
        lastByteMs: lastBytes.map(round1),
        totalMs: totals.map(round1),
        afterPatchMs: afterPatch.map(round1),
      },
    });
  } else {
    const main = await measureMainProcess(kubeconfig);

    const now = load1m();
    const why = mainMemoryWhy(main);
    report(
      `scale: ${services} services`,
      [
        ...listFigures,
        figure(
          'main process: longest event-loop stall while syncing and indexing',
          main.maxStallMs,
          'ms',
          GOAL.stallMs,
          {
            loadAvg1m: now,
            note: stallNote(main),
          },
        ),
        figure('main process: RSS after sync and releases', main.rssMb, 'MB', GOAL.mainRssMb, {
          loadAvg1m: now,
          note: 'depends on when V8 last collected: the peak and the live heap are reported beside it',
        }),
        figure('main process: peak RSS (VmHWM) over the sync', main.peakRssMb, 'MB', GOAL.mainRssMb, {
          loadAvg1m: now,
        }),
        ...(main.afterIdle
          ? [
              figure(
                'main process: RSS once idle (no forced GC)',
                main.afterIdle.rssMb,
                'MB',
                GOAL.mainRssMb,
                {
                  loadAvg1m: now,
                  note: `${main.afterIdle.collected ? `V8's memory reducer collected by itself within ${main.afterIdle.idleMs / 1000} s` : `not collected in ${main.afterIdle.idleMs / 1000} s`}; heap used ${main.afterIdle.heapUsedMb} of ${main.afterIdle.heapTotalMb} MB`,
                },
              ),
            ]
          : []),
        ...(main.afterFullGc
          ? [
              figure(
                'main process: RSS after a full GC (the cache and indexes alone)',
                main.afterFullGc.rssMb,
                'MB',
                GOAL.mainRssMb,
                {
                  loadAvg1m: now,
                  note: why ?? `live heap ${main.afterFullGc.heapUsedMb} MB`,
                },
              ),
            ]
          : []),
      ],
      {
        services,
        demoStartMs: Math.round(demoStartMs),
        runs: {
          lastByteMs: lastBytes.map(round1),
          totalMs: totals.map(round1),
          afterPatchMs: afterPatch.map(round1),
        },
        mainProcess: main,
      },
    );
  }
} finally {
  demo.kill('SIGTERM');
}
