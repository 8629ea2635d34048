import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ObjectBatch } from '../../../main/core/cluster/batch-coalescer.ts';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedResource } from '../../../main/core/cluster/cluster-resources.ts';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import type { WatchCache } from '../../../main/core/cluster/watch-cache.ts';
import { createWatchCache, resourceVersionReached } from '../../../main/core/cluster/watch-cache.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

// A minimal API server for one kind (Services): paged lists, watches from a resourceVersion,
// bookmarks, compaction (410) and dropped connections, so the cache's recovery is observable.
function fakeApiServer() {
  let rv = 100;
  const objects = new Map<string, KubeObject>();
  const events: Array<{ rv: number; type: string; object: KubeObject }> = [];
  let compactedBefore = 0;
  const watchers = new Set<{ res: ServerResponse; from: number }>();
  const log: string[] = [];

  function send(w: { res: ServerResponse }, type: string, object: unknown) {
    w.res.write(`${JSON.stringify({ type, object })}\n`);
  }
  function record(type: string, object: KubeObject) {
    events.push({ rv, type, object });
    for (const w of watchers) send(w, type, object);
  }
  const api = {
    log,
    put(name: string, data: Record<string, string> = {}) {
      rv++;
      const existing = objects.get(name);
      const object: KubeObject = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name,
          namespace: 'shop',
          uid: existing?.metadata.uid ?? `uid-${name}`,
          resourceVersion: String(rv),
        },
        spec: { selector: { app: name }, ...data },
      };
      objects.set(name, object);
      record(existing ? 'MODIFIED' : 'ADDED', object);
      return object;
    },
    remove(name: string) {
      const o = objects.get(name);
      if (!o) return;
      rv++;
      objects.delete(name);
      record('DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(rv) } });
    },
    bookmark() {
      rv++;
      for (const w of watchers)
        send(w, 'BOOKMARK', { kind: 'Service', apiVersion: 'v1', metadata: { resourceVersion: String(rv) } });
    },
    /** Forgets history, as etcd compaction does: older watches get 410. */
    compact() {
      compactedBefore = rv;
    },
    dropWatches() {
      for (const w of watchers) w.res.destroy();
      watchers.clear();
    },
    /** Changes made while no watch is open (between drop and reconnect). */
    silently(fn: () => void) {
      const saved = [...watchers];
      watchers.clear();
      fn();
      for (const w of saved) watchers.add(w);
    },
    watchCount: () => watchers.size,
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/services') {
      res.writeHead(404).end();
      return;
    }
    if (url.searchParams.get('watch') === '1') {
      const from = Number(url.searchParams.get('resourceVersion'));
      log.push(`watch ${from}`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (from < compactedBefore) {
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } })}\n`,
        );
        return;
      }
      const w = { res, from };
      for (const e of events) if (e.rv > from) send(w, e.type, e.object);
      watchers.add(w);
      req.on('close', () => watchers.delete(w));
      return;
    }
    log.push('list');
    const all = [...objects.values()].map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const start = Number(url.searchParams.get('continue') ?? 0);
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'ServiceList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(rv), ...(next ? { continue: next } : {}) },
        items: page,
      }),
    );
  });
  return { server, api };
}

const services: WatchedResource = {
  key: 'services',
  group: '',
  version: 'v1',
  plural: 'services',
  kind: 'Service',
};
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const { server, api } = fakeApiServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  cleanups.push(() => server.closeAllConnections());
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const client = createKubeHttpClient(kc);
  const open = (): WatchCache => {
    const cache = createWatchCache({
      client,
      resources: [services],
      clock: systemClock,
      backoff: { initialMs: 20, maxMs: 100 },
      pageSize: 2,
      batchIntervalMs: 50,
    });
    cache.start();
    cleanups.push(() => cache.stop());
    return cache;
  };
  return { api, open };
}

const spec = (o: KubeObject | undefined) => o?.spec as Record<string, unknown> | undefined;

describe('watch cache', () => {
  it('lists every page, fills in kind and apiVersion, and follows later changes', async () => {
    const { api, open } = await setup();
    for (const n of ['a', 'b', 'c', 'd', 'e']) api.put(n);
    const cache = open();
    await cache.whenSynced(5000);
    expect(
      cache
        .list('services')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(cache.get('uid-a')).toMatchObject({ kind: 'Service', apiVersion: 'v1' });
    api.put('f');
    api.remove('a');
    await cache.waitFor((c) => c.get('uid-f') && !c.get('uid-a'), 5000);
    expect(cache.size).toBe(5);
  });

  it('resumes a dropped watch from the last resourceVersion and misses nothing written during the drop', async () => {
    const { api, open } = await setup();
    api.put('a');
    const cache = open();
    await cache.whenSynced(5000);
    await vi.waitFor(() => expect(api.watchCount()).toBe(1), { timeout: 5000 });
    api.dropWatches();
    api.silently(() => {
      api.put('a', { during: 'drop' });
      api.put('b');
    });
    await cache.waitFor((c) => spec(c.get('uid-a'))?.during === 'drop' && c.get('uid-b'), 5000);
    expect(api.log.filter((l) => l === 'list')).toHaveLength(1);
    expect(api.log.filter((l) => l.startsWith('watch')).length).toBeGreaterThanOrEqual(2);
  });

  it('lists again after 410 Gone and drops objects deleted while it was away', async () => {
    const { api, open } = await setup();
    api.put('keep');
    api.put('gone');
    const cache = open();
    await cache.whenSynced(5000);
    await vi.waitFor(() => expect(api.watchCount()).toBe(1), { timeout: 5000 });
    api.silently(() => {
      api.remove('gone');
      api.put('new');
      api.compact();
    });
    api.dropWatches();
    await cache.waitFor((c) => c.get('uid-new') && !c.get('uid-gone'), 5000);
    expect(api.log.filter((l) => l === 'list').length).toBe(2);
  });

  it('resumes from a bookmark’s resourceVersion', async () => {
    const { api, open } = await setup();
    api.put('a');
    const cache = open();
    await cache.whenSynced(5000);
    await vi.waitFor(() => expect(api.watchCount()).toBe(1), { timeout: 5000 });
    api.bookmark();
    await new Promise((r) => setTimeout(r, 50));
    api.dropWatches();
    await vi.waitFor(() => expect(api.watchCount()).toBe(1), { timeout: 5000 });
    const watches = api.log.filter((l) => l.startsWith('watch'));
    expect(watches.at(-1)).toBe(`watch ${Number(watches[0]?.split(' ')[1]) + 1}`);
  });

  it('waits for a resourceVersion and says what it waited for when it never comes', async () => {
    const { api, open } = await setup();
    api.put('a');
    const cache = open();
    await cache.whenSynced(5000);
    const written = api.put('a', { weight: '80' });
    const seen = await cache.waitForResourceVersion(
      { resource: 'services', namespace: 'shop', name: 'a' },
      written.metadata.resourceVersion ?? '',
      5000,
    );
    expect(spec(seen)?.weight).toBe('80');
    await expect(
      cache.waitForResourceVersion({ resource: 'services', namespace: 'shop', name: 'a' }, '999999', 100),
    ).rejects.toThrow('the watch did not show services shop/a at resourceVersion 999999 within 100 ms');
  });

  it('coalesces a burst of changes into a few batches for the renderer', async () => {
    const { api, open } = await setup();
    const cache = open();
    await cache.whenSynced(5000);
    const batches: ObjectBatch<KubeObject>[] = [];
    cache.onBatch((b) => batches.push(b));
    for (let i = 0; i < 300; i++) api.put(`svc-${i % 30}`, { round: String(i) });
    await cache.waitFor((c) => spec(c.get('uid-svc-29'))?.round === '299', 5000);
    await new Promise((r) => setTimeout(r, 120));
    expect(batches.length).toBeLessThan(20);
    const latest = new Map<string, unknown>();
    for (const b of batches) for (const o of b.upserts) latest.set(o.metadata.name, spec(o)?.round);
    expect(latest.get('svc-29')).toBe('299');
  });

  it('compares resourceVersions as integers when both are integers', () => {
    expect(resourceVersionReached('120', '99')).toBe(true);
    expect(resourceVersionReached('99', '120')).toBe(false);
    expect(resourceVersionReached('abc', 'abc')).toBe(true);
    expect(resourceVersionReached('abd', 'abc')).toBe(false);
    expect(resourceVersionReached(undefined, '1')).toBe(false);
  });
});
