// What one `history.list` page costs in main now that every entry is summarized from its objects
// and checked for Undo against the watch cache (planUndo per entry): 200 entries (the page size),
// each a weight change of a VirtualService with three routes. Pure CPU, no cluster.
// Run: npx tsx test/bench/history-views.bench.ts (BENCH_RUNS=50 by default). Prints JSON: a page
// worked out afresh, and one listed again with its objects unchanged (historyViewMemo).
import { performance } from 'node:perf_hooks';
import type { HistoryEntry } from '../../main/core/history/history-types.ts';
import { historyViewMemo, historyViews, type LiveObjectLookup } from '../../main/core/views/history-views.ts';
import type { KubeObject } from '../../shared/mesh/model/index.ts';

const runs = Number(process.env.BENCH_RUNS ?? 50);
const PAGE = 200;

function vs(v2: number, rv: number): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'bookinfo', resourceVersion: String(rv) },
    spec: {
      hosts: ['reviews'],
      http: [
        {
          name: 'canary',
          match: [{ headers: { 'x-canary': { exact: 'always' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v3' } }],
        },
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 90 - v2 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: v2 },
            { destination: { host: 'reviews', subset: 'v3' }, weight: 10 },
          ],
        },
      ],
    },
  };
}

const target = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const entries: HistoryEntry[] = Array.from({ length: PAGE }, (_, i) => ({
  id: `e${PAGE - i}`,
  time: new Date(Date.UTC(2026, 0, 1, 0, PAGE - i)).toISOString(),
  context: 'demo',
  user: 'bench',
  kind: 'change',
  description: 'bench',
  releaseId: 'istio:bookinfo/reviews.bookinfo.svc.cluster.local',
  plan: { releaseId: 'istio:bookinfo/reviews.bookinfo.svc.cluster.local', steps: [] },
  steps: [
    {
      id: 's1',
      description: 'weights',
      target,
      action: 'patch',
      before: vs(i % 80, 1000 + 2 * i),
      after: vs((i + 1) % 80, 1001 + 2 * i),
    },
  ],
}));
// The live object is the newest entry's result: every older entry's Undo is refused, the worst case.
const newest = entries[0]!.steps[0]!.after;
const live: LiveObjectLookup = () => newest;

// Cold: every entry worked out (the first list, or one after a change to the object they all touch);
// warm: the objects unchanged since the last list, so each entry's view comes from the memo.
function sample(memo: () => ReturnType<typeof historyViewMemo>): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const start = performance.now();
    const views = historyViews(entries, () => live, memo());
    const ms = performance.now() - start;
    if (views.length !== PAGE) throw new Error('wrong page size');
    if (i >= 5) out.push(ms);
  }
  return out.sort((a, b) => a - b);
}
const pct = (samples: number[], p: number) =>
  samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)] ?? 0;
const cold = sample(() => historyViewMemo());
const warmMemo = historyViewMemo();
const warm = sample(() => warmMemo);
console.log(
  JSON.stringify({
    bench: 'history-views',
    entries: PAGE,
    runs,
    p50Ms: Number(pct(cold, 50).toFixed(2)),
    p95Ms: Number(pct(cold, 95).toFixed(2)),
    perEntryUs: Number(((pct(cold, 50) / PAGE) * 1000).toFixed(1)),
    unchangedSinceLastList: {
      p50Ms: Number(pct(warm, 50).toFixed(2)),
      p95Ms: Number(pct(warm, 95).toFixed(2)),
    },
  }),
);
