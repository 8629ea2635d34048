import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watcherFromWatchCache } from '../../../main/core/apply/watch-cache-adapter.ts';
import type { ReleaseEvent } from '../../../main/core/rollout/rollout-state.ts';
import { createReleaseStateStore } from '../../../main/core/rollout/rollout-state-store.ts';
import type { RolloutWorkflowDeps } from '../../../main/core/rollout/rollout-workflow.ts';
import { createRolloutWorkflow } from '../../../main/core/rollout/rollout-workflow.ts';
import { judgeCanary } from '../../../shared/metrics/health-verdict.ts';
import { shares } from '../../helpers/shares.ts';
import type { Harness } from '../apply/demo-harness.ts';
import { REVIEWS_ID, splitOf, startHarness } from '../apply/demo-harness.ts';
import { countRequests, fetchExposition } from '../apply/mesh-telemetry.ts';

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const drRef = { ...vsRef, kind: 'DestinationRule' };
const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'bookinfo',
  name,
});
const IMAGE = 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.2';

let h: Harness;
const events: ReleaseEvent[] = [];

function workflow(extra: Partial<RolloutWorkflowDeps> = {}) {
  return createRolloutWorkflow({
    api: h.api,
    engine: h.engine,
    store: createReleaseStateStore(join(h.dataDir, 'releases')),
    watcher: watcherFromWatchCache(h.cache),
    context: 'demo-admin',
    user: 'demo-admin',
    rolloutTimeoutMs: 20_000,
    onEvent: (e) => events.push(e),
    ...extra,
  });
}

const subsets = async () =>
  ((await h.api.get(drRef)).spec as { subsets: Array<{ name: string }> }).subsets.map((s) => s.name);
const replicas = async (name: string) =>
  ((await h.api.get(deployment(name))).spec as { replicas: number }).replicas;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // Traffic on: productpage calls reviews 40 times a second, so a 503 from the change would show.
  h = await startHarness({ demo: { requestsPerSecond: 40, podReadyDelayMs: 300 }, pauseMs: 500 });
});
afterAll(async () => {
  await h?.stop();
});

describe('release workflow against the demo mesh', () => {
  it('creates v4 from v1, waits for its rollout, adds its subset, routes, promotes and finalizes without a single 503 from the change', async () => {
    const wf = workflow();
    const before = countRequests(await fetchExposition(h.demo), 'reviews', 'bookinfo');

    const started = await wf.start({
      serviceReleaseId: REVIEWS_ID,
      namespace: 'bookinfo',
      stableVersion: 'v1',
      version: 'v4',
      image: IMAGE,
      replicas: 2,
    });
    expect(started.phase).toBe('ready');
    expect(started.canary).toMatchObject({
      deployment: 'reviews-v4',
      labels: { version: 'v4' },
    });
    const created = await h.api.get(deployment('reviews-v4'));
    expect(
      (created.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
    ).toMatchObject({ version: 'v4' });
    expect(await subsets()).toContain('v4');
    expect(events.filter((e) => e.type === 'rollout').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase)).toEqual([
      'creating',
      'rolling-out',
      'adding-subset',
      'ready',
    ]);

    const routed = await wf.route(started.id, shares({ v1: 60, v2: 10, v3: 10, v4: 20 }));
    expect(routed.phase).toBe('routing');
    expect(splitOf(await h.api.get(vsRef))).toEqual({ v1: 60, v2: 10, v3: 10, v4: 20 });

    await wf.addRule(started.id, {
      name: 'beta-testers',
      matches: [{ headers: { 'x-beta': { exact: 'yes' } } }],
    });
    const rules = (
      (await h.api.get(vsRef)).spec as {
        http: Array<{ name?: string; route: Array<{ destination: { subset: string } }> }>;
      }
    ).http;
    expect(rules.find((r) => r.name === 'beta-testers')?.route[0]?.destination.subset).toBe('v4');

    const promoted = await wf.promote(started.id, { override: true });
    expect(promoted.phase).toBe('promoted');
    expect(splitOf(await h.api.get(vsRef))).toEqual({ v1: 0, v2: 0, v3: 0, v4: 100 });

    await sleep(1500);
    const after = countRequests(await fetchExposition(h.demo), 'reviews', 'bookinfo');
    expect(after.total - before.total).toBeGreaterThan(20);
    expect(after.meshUnavailable - before.meshUnavailable).toBe(0);

    const finalized = await wf.finalize(started.id, 'scale-to-zero');
    expect(finalized.phase).toBe('finalized');
    expect(await replicas('reviews-v1')).toBe(0);
    expect(await subsets()).not.toContain('v1');
    expect(Object.keys(splitOf(await h.api.get(vsRef)))).not.toContain('v1');
    expect(finalized.historyIds.length).toBeGreaterThanOrEqual(6);
    const kinds = (await h.history.read()).entries
      .filter((e) => finalized.historyIds.includes(e.id))
      .map((e) => e.kind);
    expect(new Set(kinds)).toEqual(new Set(['release']));
  });

  it('refuses to finalize a release that was not promoted, then aborts it back to the stable version', async () => {
    const wf = workflow();
    const s = await wf.start({
      serviceReleaseId: REVIEWS_ID,
      namespace: 'bookinfo',
      stableVersion: 'v2',
      version: 'v5',
      image: IMAGE,
      replicas: 1,
    });
    await wf.route(s.id, shares({ v2: 50, v4: 40, v5: 10 }));
    await expect(wf.finalize(s.id, 'delete')).rejects.toThrow(
      'cannot finalize release bookinfo.reviews.v5: it is routing',
    );

    // The promote gate: a canary judged worse than its stable version is not promoted without an
    // explicit override, and nothing is written.
    const judged = (failures: number) =>
      workflow({
        health: async (st) => {
          const verdict = judgeCanary({
            canary: { version: st.canary.version, requests: 1000, failures, buckets: [] },
            stable: { version: st.stable.version, requests: 1000, failures: 0, buckets: [] },
            windowSeconds: 300,
          });
          return { status: verdict.status, canary: st.canary.version, stable: st.stable.version, verdict };
        },
      });
    const historyBefore = (await h.history.read()).entries.length;
    await expect(judged(80).promote(s.id)).rejects.toThrow(/not promoting v5: .*v5 is worse than v2/);
    expect(splitOf(await h.api.get(vsRef))).toMatchObject({ v2: 50, v5: 10 });
    expect((await h.history.read()).entries.length).toBe(historyBefore);
    await expect(judged(0).health(s.id)).resolves.toMatchObject({ status: 'healthy' });
    const aborted = await wf.abort(s.id, { scaleToZero: true });
    expect(aborted.phase).toBe('aborted');
    expect(splitOf(await h.api.get(vsRef))).toMatchObject({ v2: 100, v5: 0 });
    expect(await replicas('reviews-v5')).toBe(0);
  });

  it('resumes a release that was waiting for its rollout when the app stopped', async () => {
    // The first run gives up on the rollout at once, leaving the saved state at rolling-out.
    const first = workflow({ rolloutTimeoutMs: 1 });
    await expect(
      first.start({
        serviceReleaseId: REVIEWS_ID,
        namespace: 'bookinfo',
        stableVersion: 'v4',
        version: 'v6',
        image: IMAGE,
        replicas: 1,
      }),
    ).rejects.toThrow(/did not finish within/);
    const saved = (await first.list()).find((r) => r.id === 'bookinfo.reviews.v6');
    expect(saved?.phase).toBe('rolling-out');
    expect(saved?.lastError).toMatch(/did not finish/);

    const afterRestart = workflow();
    const reports = await afterRestart.resumeReleases();
    expect(reports.find((r) => r.id === 'bookinfo.reviews.v6')).toEqual({
      id: 'bookinfo.reviews.v6',
      phase: 'ready',
      outcome: 'continued',
    });
    expect(await subsets()).toContain('v6');
    const resumed = (await afterRestart.list()).find((r) => r.id === 'bookinfo.reviews.v6');
    expect(resumed?.lastError).toBeUndefined();
  });

  it('refuses to finalize while another VirtualService still routes to the old version, and changes nothing', async () => {
    // The release of the test above (v4 → v6), promoted. Then an ingress gateway's VirtualService
    // in another namespace is found sending everything to reviews v4: removing v4's subset and
    // scaling its Deployment to zero would make all those requests fail.
    const wf = workflow();
    await wf.promote('bookinfo.reviews.v6', { override: true });
    const ingress = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews-ingress', namespace: 'istio-system' },
      spec: {
        hosts: ['reviews.example.com'],
        gateways: ['bookinfo-gateway'],
        http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v4' } }] }],
      },
    };
    await h.api.create(ingress);
    const vsBefore = await h.api.get(vsRef);
    const replicasBefore = await replicas('reviews-v4');
    await expect(wf.finalize('bookinfo.reviews.v6', 'scale-to-zero')).rejects.toThrow(
      /cannot remove subset\(s\) v4: still routed to by VirtualService istio-system\/reviews-ingress spec\.http\[0\]\.route\[0\] \(subset v4\)/,
    );
    expect(await subsets()).toContain('v4');
    expect(await replicas('reviews-v4')).toBe(replicasBefore);
    expect((await h.api.get(vsRef)).metadata.resourceVersion).toBe(vsBefore.metadata.resourceVersion);

    // Once that route is gone, finalizing goes ahead.
    await h.api.delete({ ...vsRef, namespace: 'istio-system', name: 'reviews-ingress' });
    const finalized = await wf.finalize('bookinfo.reviews.v6', 'scale-to-zero');
    expect(finalized.phase).toBe('finalized');
    expect(await subsets()).not.toContain('v4');
    expect(await replicas('reviews-v4')).toBe(0);
  });
});
