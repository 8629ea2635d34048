// The release index reading objects from the watch cache (`cache.get`) instead of a map of its own
// must compute the very releases the index with its own map computes, whatever the changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedKey } from '../../../main/core/cluster/cluster-resources.ts';
import { createReleaseIndex } from '../../../main/core/cluster/release-index.ts';
import type { CacheChange } from '../../../main/core/cluster/watch-cache.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const APPS = ['reviews', 'ratings', 'details'] as const;

/** One app's objects; `details` has no uids (the cache and the index key those differently). */
function app(name: string, weights: [number, number]): Array<[WatchedKey, KubeObject]> {
  const meta = (n: string, uid: string, labels?: Record<string, string>) => ({
    name: n,
    namespace: 'shop',
    ...(name === 'details' ? {} : { uid }),
    resourceVersion: '1',
    ...(labels ? { labels } : {}),
  });
  const workload = (v: string): Array<[WatchedKey, KubeObject]> => [
    [
      'deployments',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(`${name}-${v}`, `dep-${name}-${v}`),
        spec: { replicas: 1, template: { metadata: { labels: { app: name, version: v } } } },
      },
    ],
    [
      'pods',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: meta(`${name}-${v}-x`, `pod-${name}-${v}`, { app: name, version: v }),
        status: { phase: 'Running' },
      },
    ],
  ];
  return [
    [
      'virtualservices',
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: meta(name, `vs-${name}`),
        spec: {
          hosts: [name],
          http: [
            {
              route: [
                { destination: { host: name, subset: 'v1' }, weight: weights[0] },
                { destination: { host: name, subset: 'v2' }, weight: weights[1] },
              ],
            },
          ],
        },
      },
    ],
    [
      'destinationrules',
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: meta(name, `dr-${name}`),
        spec: {
          host: name,
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        },
      },
    ],
    [
      'services',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(name, `svc-${name}`),
        spec: { selector: { app: name } },
      },
    ],
    ...workload('v1'),
    ...workload('v2'),
  ];
}

/** The watch cache's key of an object (see watch-cache-entries.ts). */
const keyOf = (resource: WatchedKey, o: KubeObject) =>
  o.metadata.uid ?? `${resource}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const ORIGINAL = new Map<string, [WatchedKey, KubeObject]>();
for (const name of APPS) for (const [r, o] of app(name, [90, 10])) ORIGINAL.set(keyOf(r, o), [r, o]);
const KEYS = [...ORIGINAL.keys()];

/** A cache as the session's: holds each change before it announces it, to every listener. */
function fakeCache() {
  const store = new Map(ORIGINAL);
  const listeners = new Set<(c: readonly CacheChange[]) => void>();
  let rv = 2;
  const base = {
    onChange(l: (c: readonly CacheChange[]) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    *all() {
      for (const [, o] of store.values()) yield o;
    },
  };
  return {
    withGet: { ...base, get: (uid: string) => store.get(uid)?.[1] },
    withoutGet: base,
    /** Applies edits (by key: the new object, or null to delete it) as one change set. */
    apply(edits: Array<[string, (o: KubeObject) => KubeObject | null]>) {
      const out: CacheChange[] = [];
      for (const [key, edit] of edits) {
        const held = store.get(key);
        const [resource, base] = held ?? (ORIGINAL.get(key) as [WatchedKey, KubeObject]);
        const next = edit(structuredClone(base));
        if (next) {
          next.metadata.resourceVersion = String(rv++);
          store.set(key, [resource, next]);
          out.push(
            held
              ? { resource, type: 'upsert', object: next, previous: held[1] }
              : { resource, type: 'upsert', object: next },
          );
        } else if (held) {
          store.delete(key);
          out.push({ resource, type: 'delete', object: held[1], previous: held[1] });
        }
      }
      if (out.length > 0) for (const l of listeners) l(out);
    },
  };
}

type Op =
  | { op: 'weights'; app: number; w: number }
  | { op: 'delete'; key: number }
  | { op: 'restore'; key: number }
  | { op: 'selector'; app: number; to: number }
  | { op: 'tick' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('weights' as const), app: fc.nat(APPS.length - 1), w: fc.nat(100) }),
  fc.record({ op: fc.constant('delete' as const), key: fc.nat(KEYS.length - 1) }),
  fc.record({ op: fc.constant('restore' as const), key: fc.nat(KEYS.length - 1) }),
  fc.record({
    op: fc.constant('selector' as const),
    app: fc.nat(APPS.length - 1),
    to: fc.nat(APPS.length - 1),
  }),
  fc.constant({ op: 'tick' as const }),
);

function editOf(op: Exclude<Op, { op: 'tick' }>): [string, (o: KubeObject) => KubeObject | null] {
  const appKey = (i: number, kind: WatchedKey) =>
    [...ORIGINAL].find(
      ([, [r, o]]) => r === kind && o.metadata.name === APPS[i] && o.metadata.namespace === 'shop',
    )?.[0] as string;
  switch (op.op) {
    case 'weights':
      return [
        appKey(op.app, 'virtualservices'),
        (vs) => {
          const route = (vs.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http[0]?.route;
          if (route?.[0] && route[1]) {
            route[0].weight = op.w;
            route[1].weight = 100 - op.w;
          }
          return vs;
        },
      ];
    case 'delete':
      return [KEYS[op.key] as string, () => null];
    case 'restore':
      return [KEYS[op.key] as string, (o) => o];
    case 'selector':
      return [
        appKey(op.app, 'services'),
        (svc) => ({ ...svc, spec: { selector: { app: APPS[op.to] as string } } }),
      ];
  }
}

const sorted = (releases: ServiceRelease[]) => [...releases].sort((a, b) => a.id.localeCompare(b.id));

describe('release index reading objects from the cache', () => {
  it('computes the releases an index with its own objects computes, through any changes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { maxLength: 12 }), (batches) => {
        const clock = createManualClock();
        const fake = fakeCache();
        const cached = createReleaseIndex({ cache: fake.withGet, read: readReleases, clock });
        const own = createReleaseIndex({ cache: fake.withoutGet, read: readReleases, clock });
        clock.advance(100);
        expect(sorted(cached.releases())).toStrictEqual(sorted(own.releases()));
        for (const batch of batches) {
          const edits = batch.filter((o): o is Exclude<Op, { op: 'tick' }> => o.op !== 'tick').map(editOf);
          fake.apply(edits);
          if (batch.some((o) => o.op === 'tick')) clock.advance(100);
        }
        clock.advance(100);
        cached.flush();
        own.flush();
        expect(sorted(cached.releases())).toStrictEqual(sorted(own.releases()));
        cached.dispose();
        own.dispose();
      }),
      { numRuns: 150 },
    );
  });

  it('follows objects without a uid as well as with one', () => {
    const clock = createManualClock();
    const fake = fakeCache();
    const index = createReleaseIndex({ cache: fake.withGet, read: readReleases, clock });
    clock.advance(100);
    expect(
      index
        .releases()
        .map((r) => r.route.name)
        .sort(),
    ).toEqual(['details', 'ratings', 'reviews']);
    fake.apply([editOf({ op: 'weights', app: 2, w: 30 })]);
    clock.advance(100);
    const details = index.releases().find((r) => r.route.name === 'details');
    expect(details?.defaultRoute?.destinations.map((d) => d.weight)).toEqual([30, 70]);
  });
});
