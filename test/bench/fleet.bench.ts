// A fleet change (reviews' split, planned with per-cluster dry-runs and applied in waves with hold 0
// and no gate) over 1, 3 and 10 demo clusters, against the same change on one cluster: the
// overhead of waves beyond their holds. Also the process's memory with 10 clusters connected: the
// demo meshes run in this same process, so memory is read before the console connects (the meshes
// alone) and after (the meshes plus the console's 10 sessions, caches and release indexes).
// Run: npx tsx test/bench/fleet.bench.ts (BENCH_RUNS=5 by default). Prints JSON.
import { performance } from 'node:perf_hooks';
import { type FleetHarness, REVIEWS_HOST, startFleetHarness } from '../integration/fleet/fleet-harness.ts';
import { figure, median, report, round1 } from './lib/figures.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

async function untilDone(h: FleetHarness, runId: string): Promise<void> {
  for (;;) {
    const v = await h.handlers['fleet.get']({ runId });
    if (v.state === 'completed') return;
    if (v.state === 'stopped') throw new Error(`fleet run stopped: ${v.stopReason}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Median ms of plan + apply until every wave completed, with `maxParallel` clusters per wave after the canary. */
async function changeMs(h: FleetHarness, maxParallel: number): Promise<{ planMs: number; totalMs: number }> {
  const plans: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const v2 = 10 + (i % 4) * 10;
    const start = performance.now();
    const plan = await h.handlers['fleet.plan']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      change: {
        kind: 'split',
        split: [
          { version: 'v1', weight: 90 - v2 },
          { version: 'v2', weight: v2 },
          { version: 'v3', weight: 10 },
        ],
      },
      maxParallel,
      holdSeconds: 0,
      gate: false,
    });
    const planned = performance.now();
    const run = await h.handlers['fleet.apply']({ fleetPlanId: plan.fleetPlanId });
    await untilDone(h, run.runId);
    if (i === 0) continue; // warm-up
    plans.push(planned - start);
    totals.push(performance.now() - start);
  }
  return { planMs: round1(median(plans)), totalMs: round1(median(totals)) };
}

function memory() {
  gc?.();
  const m = process.memoryUsage();
  return { rssMB: round1(m.rss / MB), heapUsedMB: round1(m.heapUsed / MB) };
}

const results: Record<string, { planMs: number; totalMs: number }> = {};
let mem: Record<string, unknown> = {};
for (const n of [1, 3, 10]) {
  const h = await startFleetHarness(n, { requestsPerSecond: 5 });
  try {
    const meshesOnly = memory();
    // Connect every cluster (the fleet view opens each session and waits for its first list).
    const view = await h.handlers['fleet.view']({ contexts: h.contexts });
    if (!view.clusters.every((c) => c.reachable)) throw new Error('a demo cluster is unreachable');
    if (n === 10) mem = { meshesOnly, connected: memory(), gcExposed: gc !== undefined };
    results[`${n} cluster(s), one per wave`] = await changeMs(h, 1);
    if (n > 1) results[`${n} clusters, canary then the rest at once`] = await changeMs(h, n - 1);
  } finally {
    await h.dispose();
  }
}

const one = results['1 cluster(s), one per wave']?.totalMs ?? Number.NaN;
const three = results['3 cluster(s), one per wave']?.totalMs ?? Number.NaN;
const ten = results['10 cluster(s), one per wave']?.totalMs ?? Number.NaN;
const tenParallel = results['10 clusters, canary then the rest at once']?.totalMs ?? Number.NaN;
const connected = mem.connected as { rssMB: number; heapUsedMB: number } | undefined;
const meshesOnly = mem.meshesOnly as { rssMB: number; heapUsedMB: number } | undefined;
report(
  'fleet: one change over 1, 3 and 10 demo clusters in waves (hold 0, no gate)',
  [
    figure('fleet change, 1 cluster, plan + apply, median', one, 'ms', 2000),
    figure('fleet change, 3 clusters one per wave, median', three, 'ms', 3 * 2000, {
      peer: { name: '1 cluster', value: one },
    }),
    figure('fleet change, 10 clusters one per wave, median', ten, 'ms', 10 * 2000, {
      peer: { name: '1 cluster', value: one },
    }),
    figure('fleet change, 10 clusters canary + 9 at once, median', tenParallel, 'ms', 10 * 2000, {
      peer: { name: '1 cluster', value: one },
    }),
    figure(
      'heap used by the console for 10 connected clusters (after − before connecting)',
      (connected?.heapUsedMB ?? Number.NaN) - (meshesOnly?.heapUsedMB ?? 0),
      'MB',
      300,
      { note: 'the 10 demo meshes run in the same process; their own memory is measured before connecting' },
    ),
  ],
  { runs, results, memory: mem },
);
