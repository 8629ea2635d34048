import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import {
  createClusterHandlers,
  forwardClusterEvents,
} from '../../../main/core/cluster/cluster-api-handlers.ts';
import type { SessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createSessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createKubeconfigLoader } from '../../../main/core/kubeconfig/kubeconfig-loader.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

let demo: DemoMesh;
let sessions: SessionManager;
const dir = mkdtempSync(join(tmpdir(), 'sy-demo-sessions-'));

beforeAll(async () => {
  // HTTPS with the demo's own CA: the path a real cluster takes (certificate-authority-data).
  demo = await startDemoMesh({ podReadyDelayMs: 50 });
  sessions = createSessionManager({
    loader: createKubeconfigLoader({ env: { KUBECONFIG: demo.kubeconfigPath }, home: dir }),
    clock: systemClock,
    dataDir: join(dir, 'data'),
    execEnv: () => ({}),
    readReleases,
  });
});

afterAll(async () => {
  await sessions?.dispose();
  await demo?.stop();
});

describe('sessions against the demo mesh', () => {
  it('opens demo-admin as connected, with version, latency, Istio and Gateway API versions and full rights', async () => {
    const info = await sessions.open('demo-admin');
    expect(info.status).toBe('connected');
    expect(info.statusReason).toBeUndefined();
    expect(info.serverVersion).toMatch(/^v\d+\.\d+/);
    expect(info.latencyMs).toBeGreaterThanOrEqual(0);
    expect(info.istioVersions).toEqual(expect.arrayContaining(['v1', 'v1beta1']));
    expect(info.istioVersions[0]).toBe('v1');
    expect(info.gatewayVersions).toContain('v1');
    expect(info.permissions?.['virtualservices.networking.istio.io']?.patch).toBe('all-namespaces');
    expect(info.permissions?.['deployments.apps']?.delete).toBe('all-namespaces');
  });

  it('opens demo-viewer as read-only and says why', async () => {
    const info = await sessions.open('demo-viewer');
    expect(info.status).toBe('read-only');
    expect(info.statusReason).toBe(
      'demo-viewer may not patch virtualservices.networking.istio.io in any namespace',
    );
    expect(info.permissions?.['virtualservices.networking.istio.io']?.list).toBe('all-namespaces');
    const listed = await sessions.listContexts();
    expect(listed.contexts.find((c) => c.name === 'demo-viewer')).toMatchObject({
      status: 'read-only',
      statusReason: 'demo-viewer may not patch virtualservices.networking.istio.io in any namespace',
    });
  });

  it('finds the demo’s Prometheus', async () => {
    const info = sessions.session('demo-admin')?.info();
    expect(info?.prometheus).toMatchObject({ kind: 'service', name: expect.stringMatching(/^prometheus/) });
  });

  it('fills the cache and computes a release per VirtualService host and per HTTPRoute', async () => {
    const session = sessions.session('demo-admin');
    await session?.cache?.whenSynced(20_000);
    expect(session?.cache?.list('virtualservices').length).toBeGreaterThan(0);
    expect(session?.cache?.list('pods').length).toBeGreaterThan(0);
    session?.releases?.flush();
    const releases = session?.releases?.releases() ?? [];
    const routes = session?.cache?.list('httproutes').length ?? 0;
    // The storefront and ledger namespaces: web, catalog, search and accounts.
    expect(routes).toBe(4);
    expect(releases.length).toBe((session?.cache?.list('virtualservices').length ?? 0) + routes);
    expect(releases.every((r) => r.host.length > 0)).toBe(true);
  });

  it('watches ReferenceGrants: a backend in another namespace takes traffic while a grant there permits it', async () => {
    const session = sessions.session('demo-admin');
    await session?.cache?.whenSynced(20_000);
    expect(session?.cache?.list('referencegrants')).toEqual([]);
    const routeType = demo.store.typeFor('gateway.networking.k8s.io/v1', 'HTTPRoute')!;
    const grantType = demo.store.typeFor('gateway.networking.k8s.io/v1beta1', 'ReferenceGrant')!;
    expect(grantType).toBeDefined();
    demo.store.create(
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'ledger-probe', namespace: 'storefront' },
        spec: {
          parentRefs: [{ group: '', kind: 'Service', name: 'ledger-probe', port: 80 }],
          rules: [{ backendRefs: [{ name: 'accounts-v1', namespace: 'ledger', port: 8080 }] }],
        },
      },
      { manager: 'test' },
    );
    const probe = () =>
      session?.releases
        ?.releases()
        .find((r) => r.id === 'gateway-api:storefront/ledger-probe')
        ?.versions.find((v) => v.name === 'ledger/accounts-v1');
    await vi.waitFor(() => expect(probe()?.declared).toBe(false), { timeout: 10_000 });
    demo.store.create(
      {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name: 'from-storefront', namespace: 'ledger' },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'storefront' }],
          to: [{ group: '', kind: 'Service' }],
        },
      },
      { manager: 'test' },
    );
    await vi.waitFor(() => expect(probe()?.declared).toBe(true), { timeout: 10_000 });
    expect(session?.cache?.list('referencegrants').map((g) => g.metadata.name)).toEqual(['from-storefront']);
    demo.store.delete(grantType, 'ledger', 'from-storefront');
    await vi.waitFor(() => expect(probe()?.declared).toBe(false), { timeout: 10_000 });
    demo.store.delete(routeType, 'storefront', 'ledger-probe');
  });

  it('keeps both sessions open and switches between them without a request', async () => {
    const admin = sessions.session('demo-admin');
    const viewer = sessions.session('demo-viewer');
    await viewer?.cache?.whenSynced(20_000);
    const started = performance.now();
    expect(sessions.select('demo-viewer').status).toBe('read-only');
    expect(sessions.select('demo-admin').status).toBe('connected');
    expect(performance.now() - started).toBeLessThan(5);
    expect(admin?.cache?.synced && viewer?.cache?.synced).toBe(true);
  });

  it('marks a context whose token the server rejects as an error, naming the server and the user', async () => {
    const other = await startDemoMesh({ http: true, simulation: false, objects: [] });
    const file = join(dir, 'stale-kubeconfig');
    writeFileSync(file, other.kubeconfigYaml.replace(other.tokens.admin, 'token-of-an-earlier-run'));
    const stale = createSessionManager({
      loader: createKubeconfigLoader({ env: { KUBECONFIG: file }, home: dir }),
      clock: systemClock,
      dataDir: join(dir, 'data-stale'),
      execEnv: () => ({}),
      readReleases,
    });
    try {
      const info = await stale.open('demo-admin');
      expect(info.status).toBe('error');
      expect(info.statusReason).toBe(
        `${other.url} rejected the credentials of demo-admin (401 Unauthorized)`,
      );
    } finally {
      await stale.dispose();
      await other.stop();
    }
  });
});

describe('cluster events towards the renderer', () => {
  it('forwards session status, coalesced object batches and release changes of an opened context, without credentials', async () => {
    const other = createSessionManager({
      loader: createKubeconfigLoader({ env: { KUBECONFIG: demo.kubeconfigPath }, home: dir }),
      clock: systemClock,
      dataDir: join(dir, 'data-events'),
      execEnv: () => ({}),
      readReleases,
    });
    const events: Array<[string, unknown]> = [];
    const off = forwardClusterEvents(other, {
      contextsChanged: (l) => events.push(['contexts', l]),
      sessionChanged: (s) => events.push(['session', s]),
      objectsChanged: (b) => events.push(['objects', b]),
      releasesChanged: (r) => events.push(['releases', r]),
    });
    try {
      const summary = await createClusterHandlers(other)['contexts.open']({ id: 'kube:demo-admin' });
      expect(summary).toMatchObject({
        contextId: 'kube:demo-admin',
        status: 'connected',
        prometheus: { kind: 'service' },
      });
      await other.session('demo-admin')?.cache?.whenSynced(20_000);
      await vi.waitFor(() => expect(events.some(([k]) => k === 'releases')).toBe(true), { timeout: 10_000 });
      const kinds = new Set(events.map(([k]) => k));
      expect([...kinds].sort()).toEqual(['contexts', 'objects', 'releases', 'session']);
      const batches = events
        .filter(([k]) => k === 'objects')
        .map(([, b]) => b as { contextId: string; upserts: unknown[] });
      expect(batches.every((b) => b.contextId === 'kube:demo-admin')).toBe(true);
      const text = JSON.stringify(events.filter(([k]) => k === 'session' || k === 'contexts'));
      expect(text).not.toContain(demo.tokens.admin);
      expect(text).not.toContain(demo.url);
    } finally {
      off();
      await other.dispose();
    }
  });
});
