import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import { createSessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import { createKubeconfigLoader } from '../../../main/core/kubeconfig/kubeconfig-loader.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// Namespace scopes against the demo mesh over HTTP: the team user (RBAC only in `shop`) falls
// back from cluster-wide listing to its namespace; the admin watches a chosen set and back.

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
const FALLBACK = 'cluster-wide listing is forbidden; watching namespaces shop';

let mesh: DemoMesh;
let handlers: ReturnType<typeof createConsoleHandlers>;
let dataDir: string;

beforeAll(async () => {
  mesh = await startDemoMesh({ http: true, podReadyDelayMs: 0 });
  dataDir = mkdtempSync(join(tmpdir(), 'sy-namespaces-'));
  handlers = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => undefined,
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
});

afterAll(async () => {
  await handlers?.dispose();
  await mesh?.stop();
});

const namespacesOf = (services: Array<{ namespace: string }>) =>
  [...new Set(services.map((s) => s.namespace))].sort();

describe('the demo team user', () => {
  it('is refused cluster-wide with a Status body, as a real API server refuses', async () => {
    const res = await fetch(`${mesh.url}/api/v1/services`, {
      headers: { Authorization: `Bearer ${mesh.tokens.team}` },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      message:
        'services is forbidden: User "demo-team" cannot list resource "services" in API group "" at the cluster scope',
    });
    const inShop = await fetch(`${mesh.url}/api/v1/namespaces/shop/services`, {
      headers: { Authorization: `Bearer ${mesh.tokens.team}` },
    });
    expect(inShop.status).toBe(200);
  });

  it('is listed among the demo contexts', async () => {
    const list = await handlers.listContexts();
    expect(list.contexts.find((c) => c.id === 'demo-team')).toMatchObject({
      user: 'demo-team',
      namespace: 'shop',
    });
  });

  it('opens with the fallback to shop, saying so, and lists shop but not bookinfo', async () => {
    const summary = await handlers['sessions.open']({ contextId: 'demo-team' });
    expect(summary.status).toBe('connected');
    expect(summary.statusReason).toBe(FALLBACK);
    const { services } = await handlers['services.list']({ contextId: 'demo-team' });
    expect(services.length).toBeGreaterThan(0);
    expect(namespacesOf(services)).toEqual(['shop']);
    expect(await handlers['sessions.namespaces.get']({ contextId: 'demo-team' })).toEqual({
      mode: 'all',
      namespaces: [],
      effective: ['shop'],
      reason: FALLBACK,
    });
  });

  it('applies a weight change in shop', async () => {
    const { services } = await handlers['services.list']({ contextId: 'demo-team' });
    const target = services.find((s) => s.namespace === 'shop' && s.versionCount >= 2);
    if (!target) throw new Error('no shop service with two versions in the demo');
    const view = await handlers['release.get']({ contextId: 'demo-team', releaseId: target.releaseId });
    expect(view.editable).toBe(true);
    const split = view.versions.map((v, i) => ({ version: v.name, weight: i === 0 ? 60 : i === 1 ? 40 : 0 }));
    const plan = await handlers['release.plan']({
      contextId: 'demo-team',
      releaseId: target.releaseId,
      desired: { split, rules: [] },
    });
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    const result = await handlers['release.apply']({ planId: plan.planId });
    expect(result.ok).toBe(true);
    const after = await handlers['release.get']({ contextId: 'demo-team', releaseId: target.releaseId });
    expect(after.versions.find((v) => v.name === split[1]?.version)?.weight).toBe(40);
  });

  it('refuses a chosen set it may not list, naming the verb and resource, and keeps its setting', async () => {
    await expect(
      handlers['sessions.namespaces.set']({
        contextId: 'demo-team',
        mode: 'chosen',
        namespaces: ['bookinfo'],
      }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('User "demo-team" cannot list resource'),
    });
    const kept = await handlers['sessions.namespaces.get']({ contextId: 'demo-team' });
    expect(kept).toMatchObject({ mode: 'all', effective: ['shop'] });
  });
});

describe('a user who may list nothing it can find', () => {
  it('reports the cluster-wide 403, naming the verb and the resource', async () => {
    // demo-team pointed at bookinfo: its own namespace is not usable and it may not list namespaces.
    const file = join(dataDir, 'team-elsewhere.kubeconfig');
    writeFileSync(file, mesh.kubeconfigYaml.replace('namespace: shop', 'namespace: bookinfo'));
    const manager = createSessionManager({
      loader: createKubeconfigLoader({ env: { KUBECONFIG: file }, home: dataDir }),
      clock: systemClock,
      dataDir: join(dataDir, 'elsewhere'),
      execEnv: () => ({}),
      readReleases,
    });
    try {
      const info = await manager.open('demo-team');
      expect(info.status).toBe('error');
      expect(info.statusReason).toMatch(
        /^demo-team is not allowed: \S+ is forbidden: User "demo-team" cannot list resource "\S+" in API group "[^"]*" at the cluster scope$/,
      );
      expect(manager.session('demo-team')?.cache).toBeUndefined();
    } finally {
      await manager.dispose();
    }
  });
});

describe('a chosen set of namespaces for demo-admin', () => {
  it('lists every namespace by default', async () => {
    await handlers['sessions.open']({ contextId: 'demo' });
    const { services } = await handlers['services.list']({ contextId: 'demo' });
    expect(namespacesOf(services)).toEqual(expect.arrayContaining(['bookinfo', 'shop']));
    expect((await handlers['sessions.namespaces.get']({ contextId: 'demo' })).effective).toBe('all');
  });

  it('watches only bookinfo once chosen, and follows a live change there', async () => {
    const view = await handlers['sessions.namespaces.set']({
      contextId: 'demo',
      mode: 'chosen',
      namespaces: ['bookinfo'],
    });
    expect(view).toEqual({ mode: 'chosen', namespaces: ['bookinfo'], effective: ['bookinfo'] });
    const { services } = await handlers['services.list']({ contextId: 'demo' });
    expect(namespacesOf(services)).toEqual(['bookinfo']);

    // Someone else moves reviews' traffic: the watch of bookinfo shows it.
    const type = mesh.store.typeFor('networking.istio.io/v1', 'VirtualService')!;
    const vs = structuredClone(mesh.store.get(type, 'bookinfo', 'reviews')!) as KubeObject & {
      spec: { http: Array<{ name?: string; route: Array<{ weight?: number }> }> };
    };
    const route = vs.spec.http.find((h) => h.route.length === 3)!.route;
    [route[0]!.weight, route[1]!.weight, route[2]!.weight] = [50, 25, 25];
    mesh.store.update(vs, { manager: 'someone-else' });
    await vi.waitFor(
      async () => {
        const r = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
        expect(r.versions.find((v) => v.name === 'v1')?.weight).toBe(50);
      },
      { timeout: 10_000, interval: 50 },
    );
  });

  it('keeps the chosen set for the next session of the context', async () => {
    await handlers['sessions.close']({ contextId: 'demo' });
    const summary = await handlers['sessions.open']({ contextId: 'demo' });
    expect(summary.status).toBe('connected');
    const { services } = await handlers['services.list']({ contextId: 'demo' });
    expect(namespacesOf(services)).toEqual(['bookinfo']);
  });

  it('lists everything again after switching back to all namespaces', async () => {
    const view = await handlers['sessions.namespaces.set']({
      contextId: 'demo',
      mode: 'all',
      namespaces: ['bookinfo'],
    });
    expect(view).toEqual({ mode: 'all', namespaces: ['bookinfo'], effective: 'all' });
    const { services } = await handlers['services.list']({ contextId: 'demo' });
    expect(namespacesOf(services)).toEqual(expect.arrayContaining(['bookinfo', 'shop']));
  });

  it('refuses an invalid namespace name and an unknown context with clear codes', async () => {
    await expect(
      handlers['sessions.namespaces.set']({ contextId: 'demo', mode: 'chosen', namespaces: ['Book_Info'] }),
    ).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringContaining("'Book_Info'") });
    await expect(handlers['sessions.namespaces.get']({ contextId: 'kube:nowhere' })).rejects.toMatchObject({
      code: 'not-found',
    });
  });
});
