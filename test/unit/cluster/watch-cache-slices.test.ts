import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedResource } from '../../../main/core/cluster/cluster-resources.ts';
import type { KubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import { SegmentedMap } from '../../../main/core/cluster/segmented-map.ts';
import type { CacheChange } from '../../../main/core/cluster/watch-cache.ts';
import { createWatchCache } from '../../../main/core/cluster/watch-cache.ts';
import { goneFrom, PUBLISH_EVERY } from '../../../main/core/cluster/watch-cache-entries.ts';

const services: WatchedResource = {
  key: 'services',
  group: '',
  version: 'v1',
  plural: 'services',
  kind: 'Service',
};

const service = (i: number) => ({
  metadata: { name: `svc-${i}`, namespace: 'shop', uid: `uid-${i}`, resourceVersion: String(10 + i) },
  spec: { selector: { app: `svc-${i}` } },
});

/** Answers the list as text (as the real client does with `parse`), and a watch that stays open. */
function fakeClient(count: number): KubeHttpClient {
  return {
    server: 'https://fake',
    async request<T>(req: { parse?: (text: string) => unknown }): Promise<T> {
      const text = JSON.stringify({
        kind: 'ServiceList',
        metadata: { resourceVersion: '99' },
        items: Array.from({ length: count }, (_, i) => service(i)),
      });
      return (req.parse ? req.parse(text) : JSON.parse(text)) as T;
    },
    stream(req) {
      req.onOpen?.();
      return new Promise((resolve) => {
        if (req.signal?.aborted) resolve();
        req.signal?.addEventListener('abort', () => resolve());
      });
    },
  };
}

describe('the watch cache storing a big list', () => {
  it('stores it in slices, one change set each, and counts as synced only once all of it is in', async () => {
    const cache = createWatchCache({
      client: fakeClient(5),
      resources: [services],
      clock: systemClock,
      sliceBudgetMs: 0,
    });
    const sets: Array<{ size: number; synced: boolean; cached: number }> = [];
    cache.onChange((changes: readonly CacheChange[]) =>
      sets.push({ size: changes.length, synced: cache.synced, cached: cache.size }),
    );
    cache.start();
    await cache.whenSynced(5000);
    // A budget of 0 ms: every object is its own slice, with a turn of the event loop after it.
    expect(sets.map((s) => s.size)).toEqual([1, 1, 1, 1, 1]);
    expect(sets.map((s) => s.synced)).toEqual([false, false, false, false, false]);
    expect(sets.map((s) => s.cached)).toEqual([1, 2, 3, 4, 5]);
    expect(cache.list('services').map((o) => o.metadata.name)).toEqual([
      'svc-0',
      'svc-1',
      'svc-2',
      'svc-3',
      'svc-4',
    ]);
    expect(cache.find({ resource: 'services', namespace: 'shop', name: 'svc-3' })?.kind).toBe('Service');
    await cache.stop();
  });

  it('hands its listeners a few hundred changes at a time, even within one slice', async () => {
    const cache = createWatchCache({
      client: fakeClient(PUBLISH_EVERY * 2 + 88),
      resources: [services],
      clock: systemClock,
      // A slice that never ends: only the batch size cuts the change sets.
      sliceBudgetMs: Number.POSITIVE_INFINITY,
    });
    const sizes: number[] = [];
    cache.onChange((changes: readonly CacheChange[]) => sizes.push(changes.length));
    cache.start();
    await cache.whenSynced(5000);
    expect(sizes).toEqual([PUBLISH_EVERY, PUBLISH_EVERY, 88]);
    expect(cache.size).toBe(PUBLISH_EVERY * 2 + 88);
    await cache.stop();
  });
});

describe('a relist finding what is gone', () => {
  const listedService = (i: number) => ({ apiVersion: 'v1', kind: 'Service', ...service(i) });
  it('hashes the listed uids and scans the cache in slices, a pause whenever one is due', async () => {
    const entries = new SegmentedMap<string, { resource: 'services'; stream: string; object: never }>();
    for (const i of [0, 1, 2])
      entries.set(`uid-${i}`, { resource: 'services', stream: 'services|*', object: {} as never });
    entries.set('uid-other', { resource: 'services', stream: 'services|shop', object: {} as never });
    let pauses = 0;
    const alwaysDue = { due: () => true, pause: async () => void pauses++ };
    const listed = [0, 2, 7, 8, 9].map(listedService);
    const gone = await goneFrom({ entries, stopped: false }, 'services|*', 'services', listed, alwaysDue);
    // uid-1 is no longer listed; uid-other belongs to another stream, which this list says nothing of.
    expect(gone).toEqual(['uid-1']);
    // One pause per listed uid hashed and per cached entry scanned: none of it in one go.
    expect(pauses).toBe(listed.length + entries.size);
  });

  it('stops when the cache stopped during a pause', async () => {
    const entries = new SegmentedMap<string, { resource: 'services'; stream: string; object: never }>();
    const state = { entries, stopped: false };
    const stopping = {
      due: () => true,
      pause: async () => {
        state.stopped = true;
      },
    };
    expect(
      await goneFrom(state, 'services|*', 'services', [listedService(0), listedService(1)], stopping),
    ).toBeUndefined();
  });
});
