import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import type { ManualClock } from '../../../main/core/cluster/clock.ts';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedKey } from '../../../main/core/cluster/cluster-resources.ts';
import type { ReleaseChanges } from '../../../main/core/cluster/release-index.ts';
import { createReleaseIndex } from '../../../main/core/cluster/release-index.ts';
import type { CacheChange, ObjectRef, WatchCache } from '../../../main/core/cluster/watch-cache.ts';
import { resourceVersionReached } from '../../../main/core/cluster/watch-cache.ts';
import type { HistoryRecorder, NewHistoryEntry } from '../../../main/core/history/history-types.ts';
import type { KubeApi } from '../../../main/core/kube-api.ts';
import { confirmingVerify } from '../../../main/core/services/confirming-verify.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../../shared/mesh/model/index.ts';
import { planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { shares } from '../../helpers/shares.ts';

// The click → confirmed path has no fixed wait in main: when the watch cache receives the version
// the apply engine waits for, the engine reports the step confirmed and the release the operator
// looks at is recomputed and announced in the same turn, not at the release index's next 100 ms
// tick, and before the history line is written. The step's own progress event goes first: the
// review dialog shows "confirmed" from it, and must not queue behind the service view's update.
// Time is frozen here (a manual clock for the index, fake timers for everything else): only what
// happens without any timer firing counts.

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

  /**
   * The engine as the console builds it (console-plans.ts) over an API server that answers a patch
   * and then, as its watch does, sends the new version to the cache.
   */
  function engineOver(t: ReturnType<typeof setup>, log: string[]) {
    let rv = 1;
    const api = {
      async patch(target, ops) {
        const current = t.cache.find({ resource: 'virtualservices', namespace: 'shop', name: target.name });
        const next = applyJsonPatch(current as KubeObject, ops);
        next.metadata.resourceVersion = String(++rv + 5);
        queueMicrotask(() => t.cache.receive('virtualservices', next));
        return next;
      },
    } as Partial<KubeApi> as KubeApi;
    t.index.onChanges(() => log.push('release announced'));
    return createApplyEngine({
      api,
      verify: confirmingVerify(t.cache),
      onConfirmed: () => t.index.flush(),
      clock: { now: () => 0, sleep: async () => {} },
      pauseMs: 0,
      skipDryRunOfReviewedSingleStep: true,
      history: {
        record: async (entry: NewHistoryEntry) => {
          log.push('history recorded');
          return { ...entry, id: 'h1', time: '2026-01-01T00:00:00.000Z' };
        },
      } as Partial<HistoryRecorder> as HistoryRecorder,
    });
  }

  it('is announced by the release index at once, with no timer firing, after the step is reported confirmed', async () => {
    const t = setup();
    const release = t.index.releases()[0]!;
    const objects = [...t.cache.all()];
    const plan = planRelease(release, setSplit(release, shares({ v1: 50, v2: 50 })), objects);
    const log: string[] = [];
    const result = await engineOver(t, log).apply({
      plan,
      objects,
      context: 'c',
      user: 'u',
      onProgress: (e) => log.push(e.type),
    });
    expect(result.ok).toBe(true);
    expect(log).toEqual([
      'step-started',
      'step-applied',
      'step-verified',
      'release announced',
      'history recorded',
    ]);
    expect(weightsOf(t.announced.at(-1))).toEqual([
      ['v1', 50],
      ['v2', 50],
    ]);
    expect(clock.now()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits for the version it needs: an older event is not a confirmation', async () => {
    const { cache, index, announced } = setup();
    let done = false;
    const confirmed = confirmingVerify(cache)(
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'shop', name: 'reviews' },
      { resourceVersion: '9' },
    ).then(() => {
      done = true;
      index.flush();
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
