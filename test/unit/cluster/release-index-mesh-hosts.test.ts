// The release index keeps the routes by the mesh hosts they claim, so a release view reads the
// routes that may mix with its own instead of every route of the session. Through any changes, the
// routes it hands out for a host, once each is checked, are exactly those that claim the host now.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedKey } from '../../../main/core/cluster/cluster-resources.ts';
import { createReleaseIndex } from '../../../main/core/cluster/release-index.ts';
import type { CacheChange } from '../../../main/core/cluster/watch-cache.ts';
import { meshHostsClaimedBy } from '../../../shared/mesh/lint/index.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const HOSTS = ['cart', 'Cart', 'cart.shop', 'pay.shop.svc.cluster.local', 'pay', 'example.com'];
const CANONICAL = [
  'cart.shop.svc.cluster.local',
  'pay.shop.svc.cluster.local',
  'cart.ledger.svc.cluster.local',
  'example.com',
];

type Edit =
  | { op: 'vs'; slot: number; hosts: string[]; mesh: boolean }
  | { op: 'route'; slot: number; parents: Array<{ name: string; namespace?: string }> }
  | { op: 'delete'; slot: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    op: fc.constant('vs' as const),
    slot: fc.nat(5),
    hosts: fc.array(fc.constantFrom(...HOSTS), { maxLength: 3 }),
    mesh: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('route' as const),
    slot: fc.nat(5),
    parents: fc.array(
      fc.record(
        { name: fc.constantFrom('cart', 'pay'), namespace: fc.constantFrom('shop', 'ledger') },
        { requiredKeys: ['name'] },
      ),
      { maxLength: 2 },
    ),
  }),
  fc.record({ op: fc.constant('delete' as const), slot: fc.nat(5) }),
);

/** A route kind's object in one of six slots (a slot keeps its uid whatever kind it holds). */
function objectOf(edit: Exclude<Edit, { op: 'delete' }>, rv: number): [WatchedKey, KubeObject] {
  const metadata = {
    name: `r${edit.slot}`,
    namespace: 'shop',
    uid: `uid-${edit.slot}`,
    resourceVersion: String(rv),
  };
  if (edit.op === 'vs')
    return [
      'virtualservices',
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata,
        spec: { hosts: edit.hosts, ...(edit.mesh ? {} : { gateways: ['istio-system/ingress'] }), http: [] },
      },
    ];
  return [
    'httproutes',
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata,
      spec: { parentRefs: edit.parents.map((p) => ({ group: '', kind: 'Service', ...p })) },
    },
  ];
}

function fakeCache() {
  const store = new Map<number, [WatchedKey, KubeObject]>();
  const listeners = new Set<(c: readonly CacheChange[]) => void>();
  let rv = 1;
  return {
    store,
    cache: {
      onChange(l: (c: readonly CacheChange[]) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      *all() {
        for (const [, o] of store.values()) yield o;
      },
      get: (uid: string) => [...store.values()].find(([, o]) => o.metadata.uid === uid)?.[1],
    },
    apply(edits: Edit[]) {
      const out: CacheChange[] = [];
      for (const edit of edits) {
        const held = store.get(edit.slot);
        if (edit.op === 'delete') {
          if (!held) continue;
          store.delete(edit.slot);
          out.push({ resource: held[0], type: 'delete', object: held[1], previous: held[1] });
          continue;
        }
        const [resource, object] = objectOf(edit, ++rv);
        if (held && held[0] !== resource) {
          // A slot changing kind: the old object goes, a new one (same uid) comes.
          store.delete(edit.slot);
          out.push({ resource: held[0], type: 'delete', object: held[1], previous: held[1] });
          store.set(edit.slot, [resource, object]);
          out.push({ resource, type: 'upsert', object });
        } else {
          store.set(edit.slot, [resource, object]);
          out.push(
            held
              ? { resource, type: 'upsert', object, previous: held[1] }
              : { resource, type: 'upsert', object },
          );
        }
      }
      if (out.length > 0) for (const l of listeners) l(out);
    },
  };
}

const named = (os: readonly KubeObject[]) => os.map((o) => `${o.kind}/${o.metadata.name}`);

describe('the release index: routes by the mesh hosts they claim', () => {
  it('hands out, once checked, exactly the routes claiming a host now, VirtualServices first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(editArb, { minLength: 1, maxLength: 4 }), { maxLength: 10 }),
        (batches) => {
          const fake = fakeCache();
          const clock = createManualClock();
          fake.apply([{ op: 'vs', slot: 0, hosts: ['cart'], mesh: true }]);
          const index = createReleaseIndex({ cache: fake.cache, read: readReleases, clock });
          for (const batch of batches) fake.apply(batch);
          const all = [...fake.store.entries()].sort(([a], [b]) => a - b).map(([, [, o]]) => o);
          for (const host of CANONICAL) {
            const claims = (o: KubeObject) => meshHostsClaimedBy(o).includes(host);
            const handed = index.routesClaiming([host]).filter(claims);
            const expected = all.filter(claims);
            expect(new Set(named(handed))).toEqual(new Set(named(expected)));
            expect(handed.length).toBe(expected.length);
            const kinds = handed.map((o) => o.kind);
            expect(kinds).toEqual([...kinds].sort((a, b) => (a === b ? 0 : a === 'VirtualService' ? -1 : 1)));
          }
          index.dispose();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds a route by the host it claims, whatever way its hosts are spelled', () => {
    const fake = fakeCache();
    const clock = createManualClock();
    const index = createReleaseIndex({ cache: fake.cache, read: readReleases, clock });
    fake.apply([
      { op: 'vs', slot: 0, hosts: ['Cart'], mesh: true },
      { op: 'vs', slot: 1, hosts: ['cart.shop'], mesh: true },
      { op: 'route', slot: 2, parents: [{ name: 'cart' }] },
      { op: 'vs', slot: 3, hosts: ['cart'], mesh: false },
      { op: 'route', slot: 4, parents: [{ name: 'pay' }] },
    ]);
    expect(named(index.routesClaiming(['cart.shop.svc.cluster.local']))).toEqual([
      'VirtualService/r0',
      'VirtualService/r1',
      'HTTPRoute/r2',
    ]);
    fake.apply([
      { op: 'delete', slot: 1 },
      { op: 'route', slot: 0, parents: [{ name: 'pay' }] },
    ]);
    expect(
      named(
        index
          .routesClaiming(['cart.shop.svc.cluster.local'])
          .filter(
            (o) =>
              meshHostsClaimedBy(o).length > 0 &&
              meshHostsClaimedBy(o).includes('cart.shop.svc.cluster.local'),
          ),
      ),
    ).toEqual(['HTTPRoute/r2']);
    index.dispose();
  });
});
