// Confirmation at the proxies (issue 16) through the console's calls against the demo mesh: after a
// weight change the API server accepted, `release.proxies` counts the sidecars and gateways that
// acknowledged a newer push from the demo istiod, until all of them did; a stale-proxy fault keeps
// the count below the total and names the proxy; a user whom RBAC denies the service proxy, and an
// istiod that hides its debug endpoints, get a reason instead of a number.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { istiodHttpHandler } from '../../../main/demo/sim/istiod-sync.ts';
import type { ProxyConvergenceView } from '../../../shared/api/proxy-schemas.ts';

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

let mesh: DemoMesh;
let h: ReturnType<typeof createConsoleHandlers>;

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 1 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-proxies-'));
  h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
  await h['sessions.open']({ contextId: 'demo' });
});

afterAll(async () => {
  await h?.dispose();
  await mesh?.stop();
});

beforeEach(() => mesh.faults.reset());

/** Applies a new split of reviews (keeping its rules) and answers when the API server accepted it. */
async function shiftReviews(handlers = h, reviewed: () => Promise<void> = async () => {}): Promise<void> {
  const view = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
  const first = view.versions[0]?.weight ?? 0;
  const w = first === 60 ? 70 : 60;
  const split = view.versions.map((v, i) => ({
    version: v.name,
    weight: i === 0 ? w : i === 1 ? 100 - w : 0,
  }));
  const plan = await handlers['release.plan']({
    contextId: 'demo',
    releaseId: REVIEWS,
    desired: { split, rules: view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })) },
  });
  await reviewed();
  const result = await handlers['release.apply']({ planId: plan.planId });
  expect(result.ok, JSON.stringify(result.error)).toBe(true);
}

/** Reads `release.proxies` until `done` or `ms` pass; answers every reading. */
async function readUntil(
  done: (v: ProxyConvergenceView) => boolean,
  ms: number,
): Promise<{ last: ProxyConvergenceView; readings: ProxyConvergenceView[]; elapsedMs: number }> {
  const start = Date.now();
  const readings: ProxyConvergenceView[] = [];
  for (;;) {
    const v = await h['release.proxies']({ contextId: 'demo', releaseId: REVIEWS });
    readings.push(v);
    if (done(v) || Date.now() - start > ms) return { last: v, readings, elapsedMs: Date.now() - start };
    await new Promise((r) => setTimeout(r, 100));
  }
}

const allInEffect = (v: ProxyConvergenceView) => v.known && v.inEffect === v.total;

describe('confirmation at the proxies, against the demo mesh', () => {
  it('counts the proxies that serve the host, and converges to all of them 0.3-1.5 s after an apply', async () => {
    await shiftReviews();
    const { last, readings, elapsedMs } = await readUntil(allInEffect, 5000);
    expect(last.known).toBe(true);
    if (!last.known) return;
    // bookinfo's sidecars (productpage, details, reviews v1-v3, ratings) and the routers: the
    // ingress gateway and ledger's waypoint (istiod pushes to every router, as proxy-status lists it).
    expect(last.total).toBeGreaterThanOrEqual(8);
    expect(last.counted).toMatch(/^\d+ sidecars in namespace bookinfo and 2 gateways$/);
    expect(last.inEffect).toBe(last.total);
    expect(last.since).toBeDefined();
    expect(last.source).toBe('istiod istio-system/istiod:15014 /debug/syncz');
    // The first reading, right after the API confirmation, is not all of them yet.
    const first = readings[0];
    expect(first?.known && first.inEffect < first.total).toBe(true);
    expect(elapsedMs).toBeLessThan(2500);
  });

  it("reads the whole mesh's status when the review opens, so the apply waits only on the counted namespaces", async () => {
    const simulation = mesh.simulation;
    if (!simulation) throw new Error('the demo mesh runs no simulation');
    const istiod = istiodHttpHandler(simulation.istiod, mesh.faults);
    const asked: string[] = [];
    const off = mesh.registerServiceProxy('istio-system', 'istiod', 15014, (req, res, subpath) => {
      asked.push(subpath);
      return istiod(req, res, subpath);
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-proxies-planned-'));
    const own = createConsoleHandlers({
      dataDir,
      env: { KUBECONFIG: join(dataDir, 'none') },
      emit: () => {},
      demoKubeconfig: () => mesh.kubeconfigPath,
      pauseMs: 10,
    });
    try {
      await own['sessions.open']({ contextId: 'demo' });
      await shiftReviews(own, async () => {
        // The review is open: the whole read goes out without being waited for.
        for (let i = 0; i < 100 && !asked.includes('/debug/syncz'); i++)
          await new Promise((r) => setTimeout(r, 20));
        expect(asked).toEqual(['/debug/syncz']);
        asked.length = 0;
      });
      // The baseline before the write: bookinfo, and the gateways' namespaces (ingress, ledger's waypoint).
      expect([...asked].sort()).toEqual([
        '/debug/syncz?namespace=bookinfo',
        '/debug/syncz?namespace=istio-system',
        '/debug/syncz?namespace=ledger',
      ]);
      let last: ProxyConvergenceView | undefined;
      for (let i = 0; i < 50 && !(last && allInEffect(last)); i++) {
        last = await own['release.proxies']({ contextId: 'demo', releaseId: REVIEWS });
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(last?.known && last.counted).toMatch(/^\d+ sidecars in namespace bookinfo and 2 gateways$/);
      expect(last && allInEffect(last)).toBe(true);
      expect(asked.every((a) => a.startsWith('/debug/syncz?namespace='))).toBe(true);
    } finally {
      await own.dispose();
      if (typeof off === 'function') off();
      mesh.registerServiceProxy('istio-system', 'istiod', 15014, istiod);
    }
  });

  it('with a stale-proxy fault stays below the total and names the stale proxy', async () => {
    mesh.faults.set({ staleProxies: ['reviews-v2'] });
    await shiftReviews();
    // Longer than the slowest acknowledgement (1.5 s): every other proxy has it by then.
    await new Promise((r) => setTimeout(r, 1800));
    const v = await h['release.proxies']({ contextId: 'demo', releaseId: REVIEWS });
    expect(v.known).toBe(true);
    if (!v.known) return;
    expect(v.inEffect).toBeLessThan(v.total);
    expect(v.stale.map((s) => s.id)).toEqual([
      expect.stringMatching(/^reviews-v2-[a-z0-9]+-[a-z0-9]+\.bookinfo$/),
    ]);
    expect(v.stale[0]).toMatchObject({
      kind: 'sidecar',
      why: expect.stringMatching(/route push .* not acknowledged/),
    });

    // Cleared, the proxy acknowledges and the change is in effect everywhere.
    mesh.faults.set({ staleProxies: [] });
    const { last } = await readUntil(allInEffect, 3000);
    expect(allInEffect(last)).toBe(true);
  });

  it('a stale gateway is named as a gateway', async () => {
    mesh.faults.set({ staleProxies: ['istio-ingressgateway'] });
    await shiftReviews();
    await new Promise((r) => setTimeout(r, 1800));
    const v = await h['release.proxies']({ contextId: 'demo', releaseId: REVIEWS });
    expect(v.known && v.stale.map((s) => s.kind)).toEqual(['gateway']);
  });

  it('says the mesh hides the proxy status when istiod does not serve its debug endpoints', async () => {
    mesh.faults.set({ proxyStatusHidden: true });
    const v = await h['release.proxies']({ contextId: 'demo', releaseId: REVIEWS });
    expect(v).toMatchObject({ known: false, retryable: false });
    expect(!v.known && v.reason).toMatch(/hide istiod's debug endpoints/);
  });

  it('says RBAC hides it from a user who may not use the service proxy in istio-system (403)', async () => {
    await h['sessions.open']({ contextId: 'demo-team' });
    const { services } = await h['services.list']({ contextId: 'demo-team' });
    const shop = services.find((s) => s.releaseId.startsWith('istio:shop/'));
    expect(shop).toBeDefined();
    const v = await h['release.proxies']({ contextId: 'demo-team', releaseId: shop?.releaseId ?? '' });
    expect(v).toMatchObject({ known: false, retryable: false });
    expect(!v.known && v.reason).toMatch(/^RBAC hides the proxy status: .*services\/proxy.*istio-system/);
    expect(!v.known && v.reason).toContain('User "demo-team" cannot get resource "services/proxy"');
  });
});
