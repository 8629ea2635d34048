// Issue 16: from "Apply" of a weight change of reviews to "in effect at all proxies" (every sidecar
// of bookinfo and the ingress gateway acknowledged a push newer than the change, per the demo
// istiod's /debug/syncz read through the API server's service proxy), against the demo mesh over
// HTTPS through the console's own calls (release.plan, release.apply, release.proxies polled every
// 50 ms). Also: apply → accepted by the API server (release.apply answered, watch-confirmed). The
// demo's proxies acknowledge 0.3-1.5 s after a push (seeded), as real Envoys take a moment to.
// Run: npx tsx test/bench/proxy-convergence.bench.ts (BENCH_RUNS=12 by default). Prints JSON.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConsoleHandlers } from '../../main/core/handlers/console-handlers.ts';
import { startDemoMesh } from '../../main/demo/demo-mesh.ts';
import { figure, median, percentile, report, round1 } from './lib/figures.ts';

const runs = Number(process.env.BENCH_RUNS ?? 12);
const WARMUP = 2;
const POLL_MS = 50;
/** The slowest acknowledgement is 1.5 s; the console may add little on top. */
const GOAL_MS = 2000;
const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

const mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 20 });
const dataDir = mkdtempSync(join(tmpdir(), 'sy-bench-proxies-'));
const h = createConsoleHandlers({
  dataDir,
  env: { KUBECONFIG: join(dataDir, 'none') },
  emit: () => {},
  demoKubeconfig: () => mesh.kubeconfigPath,
  pauseMs: 10,
});

const accepted: number[] = [];
const converged: number[] = [];
let proxies = 0;
let counted = '';
try {
  await h['sessions.open']({ contextId: 'demo' });
  for (let i = 0; i < runs + WARMUP; i++) {
    const view = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const v1 = 50 + (i % 2) * 10;
    const split = view.versions.map((v, j) => ({
      version: v.name,
      weight: j === 0 ? v1 : j === 1 ? 90 - v1 : 10,
    }));
    const plan = await h['release.plan']({
      contextId: 'demo',
      releaseId: REVIEWS,
      desired: {
        split,
        rules: view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
      },
    });
    const start = performance.now();
    const result = await h['release.apply']({ planId: plan.planId });
    const acceptedMs = performance.now() - start;
    if (!result.ok) throw new Error(`apply failed: ${result.error?.message}`);
    for (;;) {
      const p = await h['release.proxies']({ contextId: 'demo', releaseId: REVIEWS });
      if (!p.known) throw new Error(`proxy status unknown: ${p.reason}`);
      if (p.inEffect === p.total) {
        proxies = p.total;
        counted = p.counted;
        break;
      }
      if (performance.now() - start > 10_000)
        throw new Error(`not in effect everywhere after 10 s: ${JSON.stringify(p.stale)}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const convergedMs = performance.now() - start;
    if (i < WARMUP) continue;
    accepted.push(acceptedMs);
    converged.push(convergedMs);
  }
} finally {
  await h.dispose();
  await mesh.stop();
}

report(
  'proxy convergence: apply → in effect at all proxies (demo mesh)',
  [
    figure('apply → in effect at all proxies, median', median(converged), 'ms', GOAL_MS, {
      note: `${proxies} proxies (${counted}); acks 0.3-1.5 s after a push; polled every ${POLL_MS} ms`,
    }),
    figure('apply → in effect at all proxies, p95', percentile(converged, 95), 'ms', GOAL_MS),
  ],
  {
    runs: converged.length,
    acceptedByApiServerMs: { median: round1(median(accepted)), p95: round1(percentile(accepted, 95)) },
    inEffectAtAllProxiesMs: {
      median: round1(median(converged)),
      p95: round1(percentile(converged, 95)),
      min: round1(Math.min(...converged)),
      max: round1(Math.max(...converged)),
    },
  },
);
