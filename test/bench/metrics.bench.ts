// One metrics refresh for a service with four versions: how many Prometheus queries it sends and
// how much main-process time (JSON parsing of the answers included) it costs, for the first
// refresh of a window (the whole window) and for a streamed tick (one new step). Prometheus is a
// transport answering pre-rendered JSON, so the figure is main's own work, not the network.
// Run: npx tsx test/bench/metrics.bench.ts (BENCH_RUNS=30 by default). Prints JSON.
import { performance } from 'node:perf_hooks';
import { createMetricsSubscription } from '../../main/core/metrics/metrics-subscription.ts';
import type { PrometheusTransport, RangeSeries } from '../../main/core/metrics/prometheus-client.ts';
import { createPrometheusClient } from '../../main/core/metrics/prometheus-client.ts';
import { FAST, fakePrometheus, fakeRelease, SLOW } from '../unit/metrics/metrics-fixtures.ts';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const MAX_QUERIES = 3;
const MAX_MS = 50;
/** Runs first, unmeasured, so the JIT has compiled the hot paths. */
const WARMUP = 10;
const release = fakeRelease(['v1', 'v2', 'v3', 'v4'], [70, 10, 10, 10]);
const fixtures = fakePrometheus({
  v1: { rps: 70, errors: 0.002, latency: FAST },
  v2: { rps: 10, errors: 0.002, latency: FAST },
  v3: { rps: 10, errors: 0.02, latency: SLOW },
  v4: { rps: 10, errors: 0.002, latency: FAST },
});

/** Answers like Prometheus's HTTP API: the matrix as JSON text, parsed on every call. */
const transport: PrometheusTransport = {
  description: 'bench Prometheus',
  async get(path) {
    const q = new URLSearchParams(path.split('?')[1]);
    const series: RangeSeries[] = await fixtures.range(
      q.get('query') ?? '',
      Number(q.get('start')) * 1000,
      Number(q.get('end')) * 1000,
      Number(q.get('step')) * 1000,
    );
    const text = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: series.map((s) => ({
          metric: s.metric,
          values: s.points.map(([t, v]) => [t / 1000, String(v)]),
        })),
      },
    });
    return JSON.parse(text);
  },
};

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

async function measure(windowSeconds: number, mode: 'replace' | 'append') {
  const samples: number[] = [];
  let queries = 0;
  for (let i = 0; i < runs + WARMUP; i++) {
    let now = 1_700_000_000_000;
    const client = createPrometheusClient({ transport });
    const sub = createMetricsSubscription(
      { contextId: 'bench', releaseId: release.id, intervalMs: 5000, windowSeconds, count4xxAsErrors: false },
      { client, source: { kind: 'url', description: 'bench' }, release: () => release, now: () => now },
    );
    if (mode === 'append') {
      await sub.refresh();
      now += sub.stepSeconds * 1000;
    }
    const sentBefore = client.queriesSent;
    // Wall time of the refresh: the transport answers at once, so this is main's own work on its
    // one thread (process.cpuUsage would add the garbage collector's helper threads).
    const started = performance.now();
    const snapshot = await sub.refresh();
    const wall = performance.now() - started;
    if (!snapshot) throw new Error('the refresh had nothing to do');
    queries = client.queriesSent - sentBefore;
    if (i >= WARMUP) samples.push(wall);
  }
  samples.sort((a, b) => a - b);
  return {
    windowSeconds,
    mode,
    queries,
    p50Ms: Number(percentile(samples, 50).toFixed(2)),
    p95Ms: Number(percentile(samples, 95).toFixed(2)),
    maxMs: Number((samples[samples.length - 1] ?? Number.NaN).toFixed(2)),
  };
}

const results = [];
for (const windowSeconds of [300, 3600, 21_600])
  for (const mode of ['replace', 'append'] as const) results.push(await measure(windowSeconds, mode));
const ok = results.every((r) => r.queries <= MAX_QUERIES && r.p95Ms < MAX_MS);
console.log(
  JSON.stringify(
    {
      bench: 'metrics-refresh',
      versions: 4,
      runs,
      target: { maxQueries: MAX_QUERIES, maxMs: MAX_MS },
      ok,
      results,
    },
    null,
    2,
  ),
);
if (!ok) process.exitCode = 1;
