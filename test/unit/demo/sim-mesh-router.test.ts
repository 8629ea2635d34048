import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../main/demo/seed/seeded-random.ts';
import { createDeploymentController } from '../../../main/demo/sim/deployment-controller.ts';
import { MeshRouter, type RouteResult } from '../../../main/demo/sim/mesh-router.ts';
import { resolveSimResourceTypes } from '../../../main/demo/sim/sim-resource-types.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import { seededFakeStore } from './sim-fake-store.ts';

const REVIEWS = 'reviews.bookinfo.svc.cluster.local';

function setup() {
  const store = seededFakeStore(5);
  const types = resolveSimResourceTypes(store);
  let now = 0;
  const controller = createDeploymentController({
    store,
    types,
    random: createSeededRandom(5),
    now: () => now,
    podReadyDelayMs: 10,
  });
  controller.markAll();
  controller.sync();
  now += 10;
  controller.sync();
  const router = new MeshRouter(store, types, re2Engine());
  const random = createSeededRandom(99);
  const shares = (n: number, headers: Record<string, string> = {}) => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const r = router.route(REVIEWS, { headers }, random.next());
      const key = r.ok ? r.endpoint.version : `${r.code} ${r.flags}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, (100 * c) / n]));
  };
  const editVs = (name: string, change: (spec: { http: Array<Record<string, unknown>> }) => void) => {
    const vs = structuredClone(store.get(types.virtualService, 'bookinfo', name) as KubeObject);
    change(vs.spec as { http: Array<Record<string, unknown>> });
    store.update(vs);
  };
  return {
    store,
    types,
    controller,
    router,
    shares,
    editVs,
    advance: (ms: number) => {
      now += ms;
      controller.sync();
    },
  };
}

describe('mesh router', () => {
  it('splits requests by the VirtualService weights within two points over 20,000 requests', () => {
    const { shares } = setup();
    const s = shares(20_000);
    expect(s.v1).toBeGreaterThan(78);
    expect(s.v1).toBeLessThan(82);
    expect(s.v2).toBeGreaterThan(8);
    expect(s.v2).toBeLessThan(12);
    expect(s.v3).toBeGreaterThan(8);
    expect(s.v3).toBeLessThan(12);
  });

  it('sends the end-user jason to v2 through the header rule', () => {
    const { shares } = setup();
    expect(shares(500, { 'end-user': 'jason' })).toEqual({ v2: 100 });
    expect(shares(500, { 'x-canary': 'always' })).toEqual({ v3: 100 });
  });

  it('follows a weight change as soon as the VirtualService is updated', () => {
    const { shares, editVs } = setup();
    editVs('reviews', (spec) => {
      const route = spec.http[2]?.route as Array<{ weight: number }>;
      (route[0] as { weight: number }).weight = 50;
      (route[1] as { weight: number }).weight = 0;
      (route[2] as { weight: number }).weight = 50;
    });
    const s = shares(10_000);
    expect(s.v2).toBeUndefined();
    expect(s.v1).toBeGreaterThan(47);
    expect(s.v3).toBeGreaterThan(47);
  });

  it('aborts a fault-injected share itself (FI), from every destination alike, for the host asked for', () => {
    const { router, shares, editVs } = setup();
    editVs('reviews', (spec) => {
      (spec.http[2] as Record<string, unknown>).fault = {
        abort: { httpStatus: 503, percentage: { value: 25 } },
      };
    });
    const s = shares(20_000);
    expect(s['503 FI']).toBeGreaterThan(23);
    expect(s['503 FI']).toBeLessThan(27);
    // The split of what is not aborted stays 80/10/10: the abort takes a quarter of each version's.
    expect((s.v1 ?? 0) / 75).toBeGreaterThan(0.78);
    expect((s.v1 ?? 0) / 75).toBeLessThan(0.82);
    const draws = Array.from({ length: 100 }, (_, i) =>
      router.route(REVIEWS, { headers: {} }, (i + 0.5) / 100),
    );
    const aborted = draws.find((r) => !r.ok);
    if (!aborted || aborted.ok) throw new Error('expected an abort among 100 draws');
    expect(aborted).toMatchObject({
      code: 503,
      flags: 'FI',
      service: { name: 'reviews', namespace: 'bookinfo' },
    });
  });

  it('answers 503 UH when the subset has no ready pods, and recovers when pods become ready', () => {
    const { store, types, shares, advance } = setup();
    const deploy = structuredClone(store.get(types.deployment, 'bookinfo', 'reviews-v3') as KubeObject);
    (deploy.spec as { replicas: number }).replicas = 0;
    store.update(deploy);
    advance(0);
    const s = shares(5000);
    expect(s['503 UH']).toBeGreaterThan(8);
    expect(s['503 UH']).toBeLessThan(12);
    const up = structuredClone(store.get(types.deployment, 'bookinfo', 'reviews-v3') as KubeObject);
    (up.spec as { replicas: number }).replicas = 1;
    store.update(up);
    advance(0);
    expect(shares(2000)['503 UH']).toBeGreaterThan(5);
    advance(10);
    expect(shares(2000)['503 UH']).toBeUndefined();
  });

  it('sends nothing to a terminating pod, ready as it may still be (it is no longer an endpoint)', () => {
    const { store, types, shares } = setup();
    const v3Pods = store
      .list(types.pod, 'bookinfo')
      .filter((p) => p.metadata.labels?.app === 'reviews' && p.metadata.labels?.version === 'v3');
    expect(v3Pods.length).toBeGreaterThan(0);
    expect(shares(2000)['503 UH']).toBeUndefined();
    for (const p of v3Pods) {
      const terminating = structuredClone(p);
      terminating.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
      store.update(terminating);
    }
    const s = shares(5000);
    expect(s.v3).toBeUndefined();
    expect(s['503 UH']).toBeGreaterThan(8);
  });

  it('answers 503 NC for a subset that no DestinationRule defines', () => {
    const { shares, editVs } = setup();
    editVs('reviews', (spec) => {
      spec.http = [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }];
    });
    expect(shares(100)).toEqual({ '503 NC': 100 });
  });

  it('answers 404 NR when no route matches, and routes gateway traffic by authority', () => {
    const { router } = setup();
    const miss = router.route(
      'bookinfo.example.com',
      { path: '/admin' },
      0.5,
      'istio-system/bookinfo-gateway',
    );
    expect(miss).toMatchObject({ ok: false, code: 404, flags: 'NR' });
    const hit = router.route(
      'bookinfo.example.com',
      { path: '/productpage' },
      0.5,
      'istio-system/bookinfo-gateway',
    ) as Extract<RouteResult, { ok: true }>;
    expect(hit.ok).toBe(true);
    expect(hit.service).toEqual({
      host: 'productpage.bookinfo.svc.cluster.local',
      name: 'productpage',
      namespace: 'bookinfo',
    });
    expect(hit.endpoint).toMatchObject({ workload: 'productpage-v1', app: 'productpage', version: 'v1' });
    expect(hit.timeoutMs).toBe(15_000);
    expect(router.route('nowhere.example.com', {}, 0.5, 'istio-system/bookinfo-gateway')).toMatchObject({
      code: 404,
      flags: 'NR',
    });
  });

  it('matches the cookie regex of the payment VirtualService for internal users', () => {
    const { router } = setup();
    const random = createSeededRandom(3);
    for (let i = 0; i < 50; i++) {
      const r = router.route(
        'payment.shop.svc.cluster.local',
        { headers: { cookie: 'session_id=abc; group=internal' } },
        random.next(),
      );
      expect(r.ok && r.endpoint.version).toBe('v2');
    }
  });
});
