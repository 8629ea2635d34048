import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ManualClock } from '../../../main/core/cluster/clock.ts';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedKey } from '../../../main/core/cluster/cluster-resources.ts';
import type { ReleaseChanges } from '../../../main/core/cluster/release-index.ts';
import { createReleaseIndex } from '../../../main/core/cluster/release-index.ts';
import type { CacheChange, ObjectRef, WatchCache } from '../../../main/core/cluster/watch-cache.ts';
import { resourceVersionReached } from '../../../main/core/cluster/watch-cache.ts';
import { confirmingVerify } from '../../../main/core/services/confirming-verify.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// The click → confirmed path has no fixed wait in main: when the watch cache receives the version
// the apply engine waits for, the release the operator looks at is recomputed and announced in the
// same turn, not at the release index's next 100 ms tick. Time is frozen here (a manual clock for
// the index, fake timers for everything else): only what happens without any timer firing counts.

const vs = (weights: [number, number], rv: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'shop', uid: 'vs-reviews', resourceVersion: rv },
  spec: {
    hosts: ['reviews'],
    http: [
      {
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: weights[0] },
          { destination: { host: 'reviews', subset: 'v2' }, weight: weights[1] },
        ],
      },
    ],
  },
});
const dr: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'shop', uid: 'dr-reviews', resourceVersion: '2' },
  spec: {
    host: 'reviews',
    subsets: [
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' } },
    ],
  },
};

type Cache = Pick<WatchCache, 'onChange' | 'all' | 'find' | 'waitFor' | 'waitForResourceVersion'> & {
  synced: boolean;
  receive(resource: WatchedKey, object: KubeObject): void;
};

/** The watch cache's contract as the real one keeps it: change listeners first, then waiters. */
function fakeCache(initial: Array<[WatchedKey, KubeObject]>): Cache {
  const objects = new Map(initial.map(([r, o]) => [o.metadata.uid as string, { resource: r, object: o }]));
  const listeners = new Set<(c: readonly CacheChange[]) => void>();
  const waiters = new Set<() => void>();
  const cache: Cache = {
    synced: true,
    onChange(l: (c: readonly CacheChange[]) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    *all() {
      for (const e of objects.values()) yield e.object;
    },
    find(ref: ObjectRef) {
      for (const e of objects.values())
        if (e.resource === ref.resource && e.object.metadata.name === ref.name) return e.object;
      return undefined;
    },
    waitFor<T>(predicate: (c: WatchCache) => T | null | undefined | false): Promise<T> {
      return new Promise((resolve) => {
        const check = () => {
          const v = predicate(cache as unknown as WatchCache);
          if (!v) return;
          waiters.delete(check);
          resolve(v);
        };
        waiters.add(check);
        check();
      });
    },
    waitForResourceVersion(ref: ObjectRef, rv: string): Promise<KubeObject> {
      return cache.waitFor((c) => {
        const o = c.find(ref);
        return o && resourceVersionReached(o.metadata.resourceVersion, rv) ? o : null;
      }, 10_000);
    },
    /** A watch event: the object as the cluster now has it. */
    receive(resource: WatchedKey, object: KubeObject) {
      const uid = object.metadata.uid as string;
      const previous = objects.get(uid)?.object;
      objects.set(uid, { resource, object });
      const change: CacheChange = previous
        ? { resource, type: 'upsert', object, previous }
        : { resource, type: 'upsert', object };
      for (const l of listeners) l([change]);
      for (const w of [...waiters]) w();
    },
  };
  return cache;
}

const weightsOf = (c: ReleaseChanges | undefined) =>
  c?.upserts[0]?.defaultRoute?.destinations.map((d) => [d.version, d.weight]) ?? null;

describe('a confirmation the apply engine waits for', () => {
  let clock: ManualClock;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = createManualClock();
  });
  afterEach(() => vi.useRealTimers());

  function setup() {
    const cache = fakeCache([
      ['virtualservices', vs([90, 10], '1')],
      ['destinationrules', dr],
    ]);
    const index = createReleaseIndex({ cache, read: readReleases, clock, intervalMs: 100 });
    index.flush();
    const announced: ReleaseChanges[] = [];
    index.onChanges((c) => announced.push(c));
    return { cache, index, announced };
  }

  it('is announced by the release index at once, with no timer firing', async () => {
    const { cache, index, announced } = setup();
    const verify = confirmingVerify(cache, () => index);
    const confirmed = verify(
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'shop', name: 'reviews' },
      { resourceVersion: '7' },
    );
    cache.receive('virtualservices', vs([50, 50], '7'));
    await confirmed;
    expect(announced).toHaveLength(1);
    expect(weightsOf(announced[0])).toEqual([
      ['v1', 50],
      ['v2', 50],
    ]);
    expect(clock.now()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits for the version it needs: an older event is not a confirmation', async () => {
    const { cache, index, announced } = setup();
    let done = false;
    const confirmed = confirmingVerify(cache, () => index)(
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'shop', name: 'reviews' },
      { resourceVersion: '9' },
    ).then(() => {
      done = true;
    });
    cache.receive('virtualservices', vs([80, 20], '8'));
    await Promise.resolve();
    expect(done).toBe(false);
    cache.receive('virtualservices', vs([60, 40], '9'));
    await confirmed;
    expect(weightsOf(announced.at(-1))).toEqual([
      ['v1', 60],
      ['v2', 40],
    ]);
  });

  it('other changes still wait for the coalescing tick (what the confirmation skips)', () => {
    const { cache, announced } = setup();
    cache.receive('virtualservices', vs([70, 30], '5'));
    expect(announced).toHaveLength(0);
    clock.advance(100);
    expect(weightsOf(announced[0])).toEqual([
      ['v1', 70],
      ['v2', 30],
    ]);
  });
});
