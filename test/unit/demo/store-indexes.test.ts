import { describe, expect, it } from 'vitest';
import { MemoryObjectStore } from '../../../main/demo/store/memory-object-store.ts';
import type { KubeObject, ResourceType } from '../../../main/demo/store/object-store.ts';

function typeOf(store: MemoryObjectStore, apiVersion: string, kind: string): ResourceType {
  const t = store.typeFor(apiVersion, kind);
  if (!t) throw new Error(`no type ${apiVersion} ${kind}`);
  return t;
}

function storeWith(namespaces: string[]): MemoryObjectStore {
  const store = new MemoryObjectStore();
  for (const name of namespaces) store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return store;
}

const serviceIn = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { ports: [{ port: 80 }] },
});

const podIn = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
});

const names = (list: readonly { obj: KubeObject }[]) =>
  list.map((e) => `${e.obj.metadata.namespace}/${e.obj.metadata.name}`);

/** A small deterministic shuffle, so the order of creates is not the sorted one. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('the store indexes', () => {
  it('lists in key order across and within namespaces, whatever order objects were created in', () => {
    const store = storeWith(['a', 'a-b', 'b']);
    const pods = typeOf(store, 'v1', 'Pod');
    const keys = ['a', 'a-b', 'b'].flatMap((ns) => ['x', 'x.1', 'y', 'z-0'].map((n) => [ns, n] as const));
    for (const [ns, n] of shuffled(keys, 7)) store.create(podIn(ns, n));
    const all = names(store.entries(pods));
    // etcd's byte order of `namespace/name`: 'a-b/…' sorts before 'a/…'.
    expect(all).toEqual([...all].sort((p, q) => (p < q ? -1 : p > q ? 1 : 0)));
    expect(all).toHaveLength(12);
    expect(names(store.entries(pods, 'a'))).toEqual(['a/x', 'a/x.1', 'a/y', 'a/z-0']);
    expect(store.list(pods, 'b').map((o) => o.metadata.name)).toEqual(['x', 'x.1', 'y', 'z-0']);
  });

  it('keeps a handed-out list unchanged by later creates, updates and deletes', () => {
    const store = storeWith(['ns']);
    const services = typeOf(store, 'v1', 'Service');
    store.create(serviceIn('ns', 'b'));
    store.create(serviceIn('ns', 'd'));
    const snapshot = store.entries(services, 'ns');
    const before = snapshot.map((e) => e.obj);
    store.create(serviceIn('ns', 'a'));
    const current = store.get(services, 'ns', 'b') as KubeObject;
    store.update({ ...current, metadata: { ...current.metadata, labels: { changed: 'yes' } } });
    store.delete(services, 'ns', 'd');
    expect(snapshot.map((e) => e.obj)).toEqual(before);
    const now = store.entries(services, 'ns');
    expect(names(now)).toEqual(['ns/a', 'ns/b']);
    expect(now[1]?.obj.metadata.labels).toEqual({ changed: 'yes' });
  });

  it('answers an empty list for a namespace without objects of the type', () => {
    const store = storeWith(['ns', 'empty']);
    const services = typeOf(store, 'v1', 'Service');
    store.create(serviceIn('ns', 'only'));
    expect(store.entries(services, 'empty')).toEqual([]);
    store.delete(services, 'ns', 'only');
    expect(store.entries(services, 'ns')).toEqual([]);
  });
});

describe('the garbage collector', () => {
  function owned(store: MemoryObjectStore, name: string, owners: KubeObject[]): KubeObject {
    return store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'ns',
        ownerReferences: owners.map((o) => ({
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.metadata.name,
          uid: o.metadata.uid as string,
        })),
      },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    });
  }
  const service = (store: MemoryObjectStore, name: string) => store.create(serviceIn('ns', name));

  it('keeps an object while any of its owners lives, and collects it with the last one', () => {
    const store = storeWith(['ns']);
    const services = typeOf(store, 'v1', 'Service');
    const pods = typeOf(store, 'v1', 'Pod');
    const first = service(store, 'first');
    const second = service(store, 'second');
    owned(store, 'shared', [first, second]);
    owned(store, 'only-first', [first]);
    store.delete(services, 'ns', 'first');
    expect(store.list(pods, 'ns').map((p) => p.metadata.name)).toEqual(['shared']);
    store.delete(services, 'ns', 'second');
    expect(store.list(pods, 'ns')).toEqual([]);
  });

  it('follows a changed ownerReference: the new owner collects it, the old one no longer does', () => {
    const store = storeWith(['ns']);
    const services = typeOf(store, 'v1', 'Service');
    const pods = typeOf(store, 'v1', 'Pod');
    const oldOwner = service(store, 'old');
    const newOwner = service(store, 'new');
    const pod = owned(store, 'p', [oldOwner]);
    const ref = { apiVersion: 'v1', kind: 'Service', name: 'new', uid: newOwner.metadata.uid as string };
    store.update({ ...pod, metadata: { ...pod.metadata, ownerReferences: [ref] } });
    store.delete(services, 'ns', 'old');
    expect(store.get(pods, 'ns', 'p')).toBeDefined();
    store.delete(services, 'ns', 'new');
    expect(store.get(pods, 'ns', 'p')).toBeUndefined();
  });

  it('collects a chain of owners down to the last dependent, in one delete', () => {
    const store = storeWith(['ns']);
    const services = typeOf(store, 'v1', 'Service');
    const root = service(store, 'root');
    const child = store.create({
      ...serviceIn('ns', 'child'),
      metadata: {
        name: 'child',
        namespace: 'ns',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Service', name: 'root', uid: root.metadata.uid as string },
        ],
      },
    });
    owned(store, 'leaf', [child]);
    const deleted: string[] = [];
    store.subscribe((ev) => {
      if (ev.type === 'DELETED') deleted.push(ev.object.metadata.name);
    });
    store.delete(services, 'ns', 'root');
    expect(deleted).toEqual(['root', 'child', 'leaf']);
  });
});
