import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import { coreResources } from '../../../main/core/cluster/cluster-resources.ts';
import type { KubeHttpClient, KubeRequest } from '../../../main/core/cluster/kube-http-client.ts';
import { KubeApiError } from '../../../main/core/cluster/kube-http-client.ts';
import type { WatchCache } from '../../../main/core/cluster/watch-cache.ts';
import { createWatchCache } from '../../../main/core/cluster/watch-cache.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

// An in-memory API of Services in namespaces: namespaced lists and watches only (a cluster-wide
// request answers 403, as for a team's RoleBinding), so every stream of the cache is per namespace.

interface Watcher {
  namespace: string;
  push(event: unknown): void;
}

function namespacedApi() {
  let rv = 10;
  const objects = new Map<string, KubeObject>();
  const watchers = new Set<Watcher>();
  const requests: string[] = [];
  const nsOf = (path: string) => /\/namespaces\/([^/]+)\//.exec(path)?.[1];

  const client: KubeHttpClient = {
    server: 'memory',
    async request<T>(req: KubeRequest): Promise<T> {
      const path = req.path.split('?')[0] ?? '';
      requests.push(`list ${path}`);
      const ns = nsOf(path);
      if (!ns) throw new KubeApiError(403, 'services is forbidden at the cluster scope', 'Forbidden');
      const items = path.endsWith('/services')
        ? [...objects.values()].filter((o) => o.metadata.namespace === ns)
        : [];
      return { metadata: { resourceVersion: String(rv) }, items } as T;
    },
    stream(req, onObject) {
      const path = req.path.split('?')[0] ?? '';
      const namespace = nsOf(path);
      if (!namespace) return Promise.reject(new KubeApiError(403, 'forbidden'));
      return new Promise<void>((resolve, reject) => {
        const w: Watcher = {
          namespace,
          push(event) {
            try {
              onObject(event);
            } catch (err) {
              watchers.delete(w);
              reject(err);
            }
          },
        };
        if (path.endsWith('/services')) watchers.add(w);
        req.onOpen?.();
        req.signal?.addEventListener('abort', () => {
          watchers.delete(w);
          resolve();
        });
      });
    },
  };

  const notify = (namespace: string, event: unknown) => {
    for (const w of [...watchers]) if (w.namespace === namespace) w.push(event);
  };

  return {
    client,
    requests,
    put(namespace: string, name: string) {
      rv++;
      const existing = objects.get(`${namespace}/${name}`);
      const object: KubeObject = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion: String(rv) },
      };
      objects.set(`${namespace}/${name}`, object);
      notify(namespace, { type: existing ? 'MODIFIED' : 'ADDED', object });
    },
    /** Deleted without telling any watch (as if it happened while the watch was down). */
    removeSilently(namespace: string, name: string) {
      rv++;
      objects.delete(`${namespace}/${name}`);
    },
    /** The watches of one namespace hear that their resourceVersion is too old. */
    expire(namespace: string) {
      notify(namespace, { type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } });
    },
  };
}

const caches: WatchCache[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((c) => c.stop()));
});

function open(api: ReturnType<typeof namespacedApi>, namespaces: string[]): WatchCache {
  const cache = createWatchCache({
    client: api.client,
    resources: coreResources,
    namespaces,
    clock: systemClock,
    backoff: { initialMs: 10, maxMs: 50 },
    batchIntervalMs: 20,
  });
  caches.push(cache);
  cache.start();
  return cache;
}

const names = (cache: WatchCache) =>
  cache
    .list('services')
    .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
    .sort();

describe('a watch cache over chosen namespaces', () => {
  it('lists each kind in each namespace, never cluster-wide, and merges them into one index', async () => {
    const api = namespacedApi();
    api.put('shop', 'cart');
    api.put('bookinfo', 'reviews');
    api.put('other', 'hidden');
    const cache = open(api, ['shop', 'bookinfo', 'shop']);
    await cache.whenSynced(5000);
    expect(names(cache)).toEqual(['bookinfo/reviews', 'shop/cart']);
    expect(cache.find({ resource: 'services', namespace: 'shop', name: 'cart' })?.metadata.uid).toBe(
      'uid-shop-cart',
    );
    expect(
      api.requests.every((r) => r.includes('/namespaces/shop/') || r.includes('/namespaces/bookinfo/')),
    ).toBe(true);
    // One stream per kind and namespace, the duplicate namespace counted once.
    expect(cache.streams()).toHaveLength(coreResources.length * 2);
    expect(new Set(cache.streams().map((s) => s.namespace))).toEqual(new Set(['shop', 'bookinfo']));
  });

  it('follows changes in every namespace and ignores others', async () => {
    const api = namespacedApi();
    api.put('shop', 'cart');
    const cache = open(api, ['shop', 'bookinfo']);
    await cache.whenSynced(5000);
    api.put('bookinfo', 'ratings');
    api.put('other', 'hidden');
    api.put('shop', 'cart');
    await cache.waitFor(
      (c) => c.find({ resource: 'services', namespace: 'bookinfo', name: 'ratings' }),
      5000,
    );
    expect(names(cache)).toEqual(['bookinfo/ratings', 'shop/cart']);
  });

  it('relists one namespace after a 410 without dropping what the other namespaces hold', async () => {
    const api = namespacedApi();
    api.put('shop', 'cart');
    api.put('shop', 'payment');
    api.put('bookinfo', 'reviews');
    const cache = open(api, ['shop', 'bookinfo']);
    await cache.whenSynced(5000);
    const deletes: string[] = [];
    cache.onChange((changes) => {
      for (const c of changes) if (c.type === 'delete') deletes.push(c.object.metadata.name);
    });
    api.removeSilently('shop', 'payment');
    api.expire('shop');
    await cache.waitFor((c) => !c.find({ resource: 'services', namespace: 'shop', name: 'payment' }), 5000);
    expect(names(cache)).toEqual(['bookinfo/reviews', 'shop/cart']);
    expect(deletes).toEqual(['payment']);
  });

  it('is not synced until every namespace has listed, and says which stream waits', async () => {
    const api = namespacedApi();
    const cache = open(api, ['shop']);
    await cache.whenSynced(5000);
    expect(cache.synced).toBe(true);
    const stuck = createWatchCache({
      // A list that never answers (until the cache stops and aborts it).
      client: {
        ...api.client,
        request: (req) =>
          new Promise((_, reject) =>
            req.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
      },
      resources: coreResources.slice(0, 1),
      namespaces: ['shop'],
      clock: systemClock,
    });
    caches.push(stuck);
    stuck.start();
    await expect(stuck.whenSynced(50)).rejects.toThrow('services in shop: listing');
  });
});
