import { describe, expect, it } from 'vitest';
import { KubeStatusError } from '../../../main/demo/store/kube-status-error.ts';
import { MemoryObjectStore } from '../../../main/demo/store/memory-object-store.ts';
import type { KubeObject, StoreEvent } from '../../../main/demo/store/object-store.ts';

function storeWithNamespace(eventWindow?: number) {
  const store = new MemoryObjectStore(eventWindow ? { eventWindow } : {});
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  return store;
}
const vs = (name: string, weight = 100): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'ns' },
  spec: { hosts: [name], http: [{ route: [{ destination: { host: name }, weight }] }] },
});
function statusOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof KubeStatusError) return err.code;
    throw err;
  }
  return 0;
}

describe('the demo object store', () => {
  it('sets uid, resourceVersion, generation, creationTimestamp and managedFields on create', () => {
    const store = storeWithNamespace();
    const created = store.create(vs('a'), { manager: 'tester' });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.resourceVersion).toBe(String(store.resourceVersion));
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.managedFields?.[0]).toMatchObject({ manager: 'tester', operation: 'Update' });
  });

  it('uses one global resourceVersion counter across types', () => {
    const store = storeWithNamespace();
    const a = Number(store.create(vs('a')).metadata.resourceVersion);
    const svc = store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'ns' },
      spec: {},
    });
    expect(Number(svc.metadata.resourceVersion)).toBe(a + 1);
  });

  it('bumps generation only when the spec changes, and skips no-op updates', () => {
    const store = storeWithNamespace();
    const a = store.create(vs('a'));
    const relabeled = store.update({
      ...structuredClone(a),
      metadata: { ...structuredClone(a.metadata), labels: { x: 'y' } },
    });
    expect(relabeled.metadata.generation).toBe(1);
    const reweighted = store.update({ ...structuredClone(relabeled), spec: vs('a', 50).spec });
    expect(reweighted.metadata.generation).toBe(2);
    const rv = store.resourceVersion;
    store.update(structuredClone(reweighted));
    expect(store.resourceVersion).toBe(rv);
  });

  it('rejects a stale resourceVersion with 409, a duplicate with 409 and a missing object with 404', () => {
    const store = storeWithNamespace();
    const a = store.create(vs('a'));
    store.update({ ...structuredClone(a), spec: vs('a', 10).spec });
    expect(statusOf(() => store.update({ ...structuredClone(a), spec: vs('a', 20).spec }))).toBe(409);
    expect(statusOf(() => store.create(vs('a')))).toBe(409);
    expect(
      statusOf(() => store.delete(store.typeFor('networking.istio.io/v1', 'VirtualService')!, 'ns', 'zzz')),
    ).toBe(404);
  });

  it('answers 422 for an object its CRD schema rejects, and 404 for a missing namespace', () => {
    const store = storeWithNamespace();
    const bad = vs('bad');
    (bad.spec as { http: Array<{ route: Array<{ weight: unknown }> }> }).http[0]!.route[0]!.weight = 'ten';
    expect(statusOf(() => store.create(bad))).toBe(422);
    expect(
      statusOf(() => store.create({ ...vs('x'), metadata: { name: 'x', namespace: 'elsewhere' } })),
    ).toBe(404);
  });

  it('serves both Istio versions from one storage, apiVersion following the type asked for', () => {
    const store = storeWithNamespace();
    store.create({ ...vs('a'), apiVersion: 'networking.istio.io/v1beta1' });
    const v1 = store.typeFor('networking.istio.io/v1', 'VirtualService')!;
    const v1beta1 = store.typeFor('networking.istio.io/v1beta1', 'VirtualService')!;
    expect(store.get(v1, 'ns', 'a')?.apiVersion).toBe('networking.istio.io/v1');
    expect(store.list(v1beta1, 'ns').map((o) => o.apiVersion)).toEqual(['networking.istio.io/v1beta1']);
  });

  it('keeps status out of main updates and spec out of status updates', () => {
    const store = storeWithNamespace();
    const a = store.create(vs('a'));
    const withStatus = store.update(
      { ...structuredClone(a), status: { observedGeneration: 1 } },
      { subresource: 'status' },
    );
    expect(withStatus.status).toEqual({ observedGeneration: 1 });
    const mainUpdate = store.update({
      ...structuredClone(withStatus),
      status: { changed: true },
      spec: vs('a', 5).spec,
    });
    expect(mainUpdate.status).toEqual({ observedGeneration: 1 });
  });

  it('notifies subscribers synchronously, in commit order, and hands out frozen objects', () => {
    const store = storeWithNamespace();
    const seen: string[] = [];
    const off = store.subscribe((ev: StoreEvent) =>
      seen.push(`${ev.type} ${ev.object.metadata.name} ${ev.object.metadata.resourceVersion}`),
    );
    const a = store.create(vs('a'));
    store.delete(store.typeFor('networking.istio.io/v1', 'VirtualService')!, 'ns', 'a');
    off();
    store.create(vs('b'));
    expect(seen).toEqual([
      `ADDED a ${a.metadata.resourceVersion}`,
      `DELETED a ${Number(a.metadata.resourceVersion) + 1}`,
    ]);
    expect(() => {
      (a.metadata as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });

  it('resumes watches only inside the event window', () => {
    const store = storeWithNamespace(5);
    const start = store.resourceVersion;
    for (let i = 0; i < 3; i++) store.create(vs(`a${i}`));
    expect(store.eventsSince(start)).toHaveLength(3);
    for (let i = 0; i < 5; i++) store.create(vs(`b${i}`));
    expect(store.eventsSince(start)).toBe('expired');
    expect(store.eventsSince(store.resourceVersion - 2)).toHaveLength(2);
  });

  it('collects dependents by ownerReferences and empties a deleted namespace', () => {
    const store = storeWithNamespace();
    const tpl = { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'w', image: 'w' }] } };
    const dep = store.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'w', namespace: 'ns' },
      spec: { selector: { matchLabels: { app: 'w' } }, template: tpl },
    });
    const owner = (o: KubeObject) => [
      { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid ?? '' },
    ];
    const rs = store.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'w-1', namespace: 'ns', ownerReferences: owner(dep) },
      spec: { selector: { matchLabels: { app: 'w' } }, template: tpl },
    });
    store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'w-1-a', namespace: 'ns', ownerReferences: owner(rs) },
      spec: tpl.spec,
    });
    store.delete(store.typeFor('apps/v1', 'Deployment')!, 'ns', 'w');
    expect(store.list(store.typeFor('apps/v1', 'ReplicaSet')!)).toEqual([]);
    expect(store.list(store.typeFor('v1', 'Pod')!)).toEqual([]);
    store.create(vs('a'));
    store.delete(store.typeFor('v1', 'Namespace')!, undefined, 'ns');
    expect(store.list(store.typeFor('networking.istio.io/v1', 'VirtualService')!)).toEqual([]);
  });
});
