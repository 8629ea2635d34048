import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedKey } from '../../../main/core/cluster/cluster-resources.ts';
import { createReleaseIndex } from '../../../main/core/cluster/release-index.ts';
import type { CacheChange } from '../../../main/core/cluster/watch-cache.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// A reader that throws on some object the cluster holds (a shape no test foresaw) runs in the
// index's timer: the throw must neither end the process nor take every other service with it.

let rv = 1;
const route = (name: string, boom = false): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: {
    name,
    namespace: 'shop',
    uid: `vs-${name}`,
    resourceVersion: String(rv++),
    ...(boom ? { labels: { boom: 'yes' } } : {}),
  },
  spec: { hosts: [name], http: [{ route: [{ destination: { host: name } }] }] },
});

function fakeCache(objects: KubeObject[]) {
  const byUid = new Map(objects.map((o) => [o.metadata.uid ?? '', o]));
  let listener: ((c: readonly CacheChange[]) => void) | undefined;
  return {
    cache: {
      onChange(l: (c: readonly CacheChange[]) => void) {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
      *all() {
        yield* byUid.values();
      },
    },
    replace(next: KubeObject) {
      const previous = byUid.get(next.metadata.uid ?? '') as KubeObject;
      byUid.set(next.metadata.uid ?? '', next);
      listener?.([{ resource: 'virtualservices' as WatchedKey, type: 'upsert', object: next, previous }]);
    },
  };
}

/** readReleases, except that it throws whenever its input holds a route labelled `boom`. */
const fragileRead = (objects: readonly KubeObject[]) => {
  if (objects.some((o) => o.metadata.labels?.boom))
    throw new TypeError("Cannot read properties of null (reading 'x')");
  return readReleases(objects);
};

describe('the release index when the reader throws on one route', () => {
  it('reads every other route, and tells the failure once', () => {
    const clock = createManualClock();
    const fake = fakeCache([route('reviews'), route('ratings', true)]);
    const told: string[] = [];
    const index = createReleaseIndex({
      cache: fake.cache,
      clock,
      read: fragileRead,
      onReadFailure: (m) => told.push(m),
    });
    expect(() => clock.advance(100)).not.toThrow();
    expect(index.releases().map((r) => r.host)).toEqual(['reviews.shop.svc.cluster.local']);
    expect(told).toEqual([
      "Switchyard could not read VirtualService shop/ratings (Cannot read properties of null (reading 'x')): shown as last read, and not changed from here",
    ]);
    index.dispose();
  });

  it('keeps a route it read before as it was, read-only with the reason, until it reads again', () => {
    const clock = createManualClock();
    const fake = fakeCache([route('reviews'), route('ratings')]);
    const told: string[] = [];
    const index = createReleaseIndex({
      cache: fake.cache,
      clock,
      read: fragileRead,
      onReadFailure: (m) => told.push(m),
    });
    clock.advance(100);
    const ratings = () => index.releases().find((r) => r.host.startsWith('ratings.'));
    expect(ratings()?.editable).toBe(true);

    fake.replace(route('ratings', true));
    expect(() => clock.advance(100)).not.toThrow();
    expect(ratings()?.editable).toBe(false);
    expect(ratings()?.readOnlyReasons.at(-1)).toMatch(
      /^Switchyard could not read VirtualService shop\/ratings/,
    );
    expect(index.releases()).toHaveLength(2);
    // Changed again and failing the same way: not told again.
    fake.replace(route('ratings', true));
    clock.advance(100);
    expect(told).toHaveLength(1);
    expect(ratings()?.readOnlyReasons.filter((r) => r.startsWith('Switchyard could not read'))).toHaveLength(
      1,
    );

    fake.replace(route('ratings'));
    clock.advance(100);
    expect(ratings()?.editable).toBe(true);
    expect(ratings()?.readOnlyReasons).toEqual([]);
    index.dispose();
  });
});
