// Child of scale.bench.ts, bundled and run on plain Node (what the built main process carries):
// opens the demo's demo-admin context as the console does, lists and watches everything, computes
// every release, and reports the longest event-loop stall meanwhile, the time it took and the RSS.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import { createSessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createKubeconfigLoader } from '../../../main/core/kubeconfig/kubeconfig-loader.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const kubeconfigPath = process.argv[2] as string;
const dir = mkdtempSync(join(tmpdir(), 'sy-bench-scale-'));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * The live heap before any session exists (the code loaded, nothing cached): what the process
 * holds whatever the cluster, so the session's own share can be told apart from it below.
 */
function liveHeapMb(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  gc();
  return mb(process.memoryUsage().heapUsed);
}
const baselineHeapMb = liveHeapMb();

// The longest stretch the event loop was held, sampled every 5 ms (a timer that fires late by
// more than the interval means the loop was busy that long). On Linux each stretch is split, from
// the main thread's schedstat, into the time the thread ran (its own work and GC: what the code
// must keep short) and the time it waited for a CPU (two cores shared with the demo mesh being
// listed: the machine's, not the code's). The longest stretch is reported with its split.
const SCHEDSTAT = '/proc/thread-self/schedstat';
function threadTimesMs(): { ran: number; waited: number } | undefined {
  try {
    const [ran, waited] = readFileSync(SCHEDSTAT, 'utf8').split(' ').map(Number);
    return ran === undefined || waited === undefined ? undefined : { ran: ran / 1e6, waited: waited / 1e6 };
  } catch {
    return undefined;
  }
}
let maxStallMs = 0;
let longestStall: { ms: number; ranMs?: number; waitedForCpuMs?: number } = { ms: 0 };
let maxRanInStallMs: number | undefined;
let last = performance.now();
let lastTimes = threadTimesMs();
const probe = setInterval(() => {
  const now = performance.now();
  const times = threadTimesMs();
  const stall = now - last - 5;
  if (times && lastTimes) {
    const ranMs = Math.max(0, times.ran - lastTimes.ran - 5);
    maxRanInStallMs = Math.max(maxRanInStallMs ?? 0, ranMs);
    if (stall > maxStallMs)
      longestStall = {
        ms: Math.round(stall),
        ranMs: Math.round(ranMs),
        waitedForCpuMs: Math.round(times.waited - lastTimes.waited),
      };
  } else if (stall > maxStallMs) longestStall = { ms: Math.round(stall) };
  maxStallMs = Math.max(maxStallMs, stall);
  last = now;
  lastTimes = times;
}, 5);
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();

const manager = createSessionManager({
  loader: createKubeconfigLoader({ env: { KUBECONFIG: kubeconfigPath }, home: dir }),
  clock: systemClock,
  dataDir: join(dir, 'data'),
  execEnv: () => ({}),
  readReleases,
  session: { requestTimeoutMs: 120_000 },
});
const started = performance.now();
const info = await manager.open('demo-admin');
const session = manager.session('demo-admin');
if (!session?.cache) throw new Error(`demo-admin did not open: ${info.statusReason ?? info.status}`);
await session.cache.whenSynced(600_000);
const syncedMs = performance.now() - started;
// What the console's first call on a session waits for (console-handlers ready()).
await session.releases?.whenCurrent();
const releasesMs = performance.now() - started;
await new Promise((r) => setTimeout(r, 300));
clearInterval(probe);
histogram.disable();
const rssAfterReleasesMb = mb(process.memoryUsage().rss);

/**
 * RSS once the session has been quiet, with no forced GC: what V8's memory reducer gives back by
 * itself, as an operator's laptop would show it a while after the cluster opened. It was seen to
 * collect 80-90 s after a 50,000-service sync, so the heap is looked at every 5 s until it has been
 * collected (heap used down by a third) or BENCH_IDLE_MS (default 150 s; 0 skips it) have passed.
 */
async function rssAfterIdle() {
  const idleMs = Number(process.env.BENCH_IDLE_MS ?? 150_000);
  if (idleMs <= 0) return {};
  const startHeap = process.memoryUsage().heapUsed;
  const began = performance.now();
  let now = process.memoryUsage();
  while (performance.now() - began < idleMs && now.heapUsed > startHeap * (2 / 3)) {
    await new Promise((r) => setTimeout(r, 5_000));
    now = process.memoryUsage();
  }
  return {
    afterIdle: {
      idleMs: Math.round((performance.now() - began) / 1000) * 1000,
      collected: now.heapUsed <= startHeap * (2 / 3),
      rssMb: mb(now.rss),
      heapUsedMb: mb(now.heapUsed),
      heapTotalMb: mb(now.heapTotal),
    },
  };
}
const idle = await rssAfterIdle();
/**
 * What stays once V8 has collected everything it can (the child runs with --expose-gc): RSS at
 * one moment depends on when V8 last collected, so the live heap and the peak are reported beside
 * it, to say how much of it is the cache itself.
 */
function liveAfterFullGc() {
  const peakRssMb = mb(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024);
  const heapUsedMb = liveHeapMb();
  if (heapUsedMb === undefined) return { peakRssMb };
  const after = process.memoryUsage();
  return { peakRssMb, afterFullGc: { rssMb: mb(after.rss), heapUsedMb, baselineHeapMb } };
}

/**
 * What the cache holds, kind by kind: objects and the bytes of their JSON (as cached: Pods and
 * ReplicaSets slim, no managedFields). Beside the live heap it says what each object costs as a
 * JavaScript object, against its size as text.
 */
function cachedByKind(cache: { all(): Iterable<{ kind: string }> }) {
  const kinds: Record<string, { objects: number; jsonMb: number }> = {};
  for (const o of cache.all()) {
    const k = kinds[o.kind] ?? { objects: 0, jsonMb: 0 };
    kinds[o.kind] = k;
    k.objects++;
    k.jsonMb += JSON.stringify(o).length;
  }
  for (const k of Object.values(kinds)) k.jsonMb = mb(k.jsonMb);
  return kinds;
}

const result = {
  objectsCached: session.cache.size,
  releases: session.releases?.releases().length ?? 0,
  syncMs: Math.round(syncedMs),
  releasesReadyMs: Math.round(releasesMs),
  maxStallMs: Math.round(maxStallMs),
  longestStall,
  ...(maxRanInStallMs !== undefined ? { maxRanInStallMs: Math.round(maxRanInStallMs) } : {}),
  eventLoopDelayMaxMs: Math.round(histogram.max / 1e6),
  eventLoopDelayP99Ms: Math.round(histogram.percentile(99) / 1e6),
  rssMb: rssAfterReleasesMb,
  ...idle,
  ...liveAfterFullGc(),
  cachedByKind: cachedByKind(session.cache),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
await manager.dispose();
process.exit(0);
