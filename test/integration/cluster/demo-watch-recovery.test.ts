import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import type { ClusterSession } from '../../../main/core/cluster/cluster-session.ts';
import type { SessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createSessionManager } from '../../../main/core/cluster/session-manager.ts';
import type { StreamStatus } from '../../../main/core/cluster/watch-cache.ts';
import { createKubeconfigLoader } from '../../../main/core/kubeconfig/kubeconfig-loader.ts';
import type { DemoMesh, DemoMeshOptions } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openAdmin(
  options: DemoMeshOptions,
): Promise<{ demo: DemoMesh; session: ClusterSession; sessions: SessionManager }> {
  const demo = await startDemoMesh({ http: true, simulation: false, ...options });
  cleanups.push(() => demo.stop());
  const dir = mkdtempSync(join(tmpdir(), 'sy-watch-'));
  const sessions = createSessionManager({
    loader: createKubeconfigLoader({ env: { KUBECONFIG: demo.kubeconfigPath }, home: dir }),
    clock: systemClock,
    dataDir: dir,
    execEnv: () => ({}),
    readReleases,
    session: { cache: { backoff: { initialMs: 400, maxMs: 2000 } } },
  });
  cleanups.push(() => sessions.dispose());
  const info = await sessions.open('demo-admin');
  expect(info.status).toBe('connected');
  const session = sessions.session('demo-admin');
  if (!session?.cache) throw new Error('no cache');
  await session.cache.whenSynced(20_000);
  const cache = session.cache;
  // Faults act on open watches only: wait until every stream's watch is established.
  await vi.waitFor(() => expect(cache.streams().every((s) => s.state.phase === 'watching')).toBe(true), {
    timeout: 10_000,
  });
  return { demo, session, sessions };
}

function firstVirtualService(session: ClusterSession): KubeObject {
  const vs = session.cache?.list('virtualservices')[0];
  if (!vs) throw new Error('the demo has no VirtualService');
  return vs;
}

async function annotate(session: ClusterSession, vs: KubeObject, value: string): Promise<KubeObject> {
  const client = session.client;
  if (!client) throw new Error('no client');
  return client.request<KubeObject>({
    method: 'PATCH',
    path: `/apis/networking.istio.io/v1/namespaces/${vs.metadata.namespace}/virtualservices/${vs.metadata.name}`,
    contentType: 'application/merge-patch+json',
    body: { metadata: { annotations: { 'switchyard.test/mark': value } } },
  });
}

const mark = (o: KubeObject | undefined) => o?.metadata.annotations?.['switchyard.test/mark'];

describe('watch cache against the demo mesh', () => {
  it('recovers from dropped watches and misses no update written during the drop', async () => {
    const { demo, session } = await openAdmin({});
    const cache = session.cache;
    if (!cache) throw new Error('no cache');
    const vs = firstVirtualService(session);
    const seen: string[] = [];
    const phases: string[] = [];
    cache.onStreamState((s) => {
      if (s.resource === 'virtualservices') phases.push(s.state.phase);
    });
    cache.onChange((changes) => {
      for (const c of changes)
        if (c.object.metadata.uid === vs.metadata.uid) seen.push(String(mark(c.object)));
    });
    demo.faults.dropWatches();
    const written: KubeObject[] = [];
    for (const value of ['during-1', 'during-2', 'during-3'])
      written.push(await annotate(session, vs, value));
    const last = written.at(-1);
    const found = await cache.waitForResourceVersion(
      { resource: 'virtualservices', namespace: vs.metadata.namespace, name: vs.metadata.name },
      last?.metadata.resourceVersion ?? '',
      15_000,
    );
    expect(mark(found)).toBe('during-3');
    // Resumed from the last resourceVersion: every intermediate version arrived, in order.
    expect(seen).toEqual(['during-1', 'during-2', 'during-3']);
    // The writes fell into the gap: the watch had been cut and was waiting to reconnect.
    expect(phases.slice(0, 2)).toEqual(['retrying', 'watching']);
  });

  it('lists again when the server answers 410 Gone, and ends with exactly the server’s objects', async () => {
    const { demo, session } = await openAdmin({ eventWindow: 10 });
    const cache = session.cache;
    if (!cache) throw new Error('no cache');
    const phases: StreamStatus[] = [];
    cache.onStreamState((s) => {
      if (s.resource === 'virtualservices') phases.push(s);
    });
    const [keep, gone] = cache.list('virtualservices');
    if (!keep || !gone) throw new Error('the demo needs two VirtualServices');
    const type = demo.store.typeFor('networking.istio.io/v1', 'VirtualService');
    if (!type) throw new Error('the demo does not serve VirtualServices');
    demo.faults.dropWatches();
    // More writes than the server's event window, while no watch is open: resuming must fail with 410.
    const current = () => demo.store.get(type, keep.metadata.namespace, keep.metadata.name) as KubeObject;
    for (let i = 0; i < 15; i++) {
      const next = structuredClone(current());
      next.metadata.annotations = { ...next.metadata.annotations, 'switchyard.test/mark': `gap-${i}` };
      demo.store.update(next);
    }
    demo.store.delete(type, gone.metadata.namespace, gone.metadata.name);
    await cache.waitFor(
      (c) => mark(c.get(keep.metadata.uid ?? '')) === 'gap-14' && !c.get(gone.metadata.uid ?? ''),
      15_000,
    );
    expect(phases.map((p) => p.state.phase)).toContain('listing');
    const names = (o: KubeObject[]) => o.map((x) => `${x.metadata.namespace}/${x.metadata.name}`).sort();
    expect(names(cache.list('virtualservices'))).toEqual(names(demo.store.list(type)));
  });

  it('lists again after a watch request is refused with 410 and keeps following changes', async () => {
    const { demo, session } = await openAdmin({});
    const cache = session.cache;
    if (!cache) throw new Error('no cache');
    const relisted: string[] = [];
    cache.onStreamState((s) => {
      if (s.state.phase === 'listing') relisted.push(s.resource);
    });
    demo.faults.failNext({ verb: 'watch', resource: 'virtualservices', code: 410 });
    demo.faults.dropWatches();
    const vs = firstVirtualService(session);
    const written = await annotate(session, vs, 'after-410');
    const found = await cache.waitForResourceVersion(
      { resource: 'virtualservices', namespace: vs.metadata.namespace, name: vs.metadata.name },
      written.metadata.resourceVersion ?? '',
      15_000,
    );
    expect(mark(found)).toBe('after-410');
    expect(relisted).toContain('virtualservices');
  });

  it('recomputes the release of a VirtualService whose weights changed, and only that one', async () => {
    const { session } = await openAdmin({});
    const releases = session.releases;
    if (!releases) throw new Error('no release index');
    releases.flush();
    const target = releases
      .releases()
      .find((r) => r.defaultRoute && r.defaultRoute.destinations.length >= 2 && r.editable);
    if (!target) throw new Error('the demo has no editable release with two versions');
    const changed: string[][] = [];
    releases.onChanges((c) => changed.push(c.upserts.map((r) => r.id)));
    const vs = session.cache?.find({
      resource: 'virtualservices',
      namespace: target.route.namespace,
      name: target.route.name,
    });
    if (!vs) throw new Error('no VirtualService for the release');
    const http = structuredClone((vs.spec as { http: Array<{ route: Array<{ weight?: number }> }> }).http);
    const route = http[target.defaultRoute?.index ?? 0]?.route ?? [];
    route.forEach((d, i) => {
      d.weight = i === 0 ? 100 : 0;
    });
    await session.client?.request({
      method: 'PATCH',
      path: `/apis/networking.istio.io/v1/namespaces/${vs.metadata.namespace}/virtualservices/${vs.metadata.name}`,
      contentType: 'application/merge-patch+json',
      body: { spec: { http } },
    });
    await vi.waitFor(() => expect(changed.length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(changed).toEqual([[target.id]]);
    expect(releases.get(target.id)?.defaultRoute?.destinations[0]?.weight).toBe(100);
  });
});
