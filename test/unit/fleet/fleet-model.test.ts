import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClusterReleases,
  fleetDrift,
  fleetDrifts,
  matchFleetServices,
  ruleMatchWords,
  summariseRelease,
} from '../../../shared/fleet/index.ts';
import { type ReleaseShape, release } from '../../helpers/fleet-releases.ts';

const reviews = (over: Partial<ReleaseShape> = {}) =>
  release({
    versions: ['v1', 'v2', 'v3'],
    split: [
      ['v1', 80],
      ['v2', 10],
      ['v3', 10],
    ],
    rules: [['jason', 'v2']],
    ...over,
  });
const payment = (split: Array<[string, number]>) =>
  release({ namespace: 'shop', host: 'payment.shop.svc.cluster.local', versions: ['v1', 'v2'], split });

describe('matching one service across clusters', () => {
  it('matches by namespace and host, in the clusters’ order, and says where it is missing', () => {
    const fleet: ClusterReleases[] = [
      {
        cluster: 'eu',
        releases: [
          reviews(),
          payment([
            ['v1', 90],
            ['v2', 10],
          ]),
        ],
      },
      { cluster: 'us', releases: [reviews()] },
      { cluster: 'ap', releases: [payment([['v2', 100]]), reviews()] },
    ];
    const services = matchFleetServices(fleet);
    expect(services.map((s) => s.key)).toEqual([
      'bookinfo/reviews.bookinfo.svc.cluster.local',
      'shop/payment.shop.svc.cluster.local',
    ]);
    expect(services[0]?.clusters.map((c) => c.cluster)).toEqual(['eu', 'us', 'ap']);
    expect(services[1]?.clusters.map((c) => c.cluster)).toEqual(['eu', 'ap']);
    expect(services[1]?.missingFrom).toEqual(['us']);
  });

  it('keeps the same host in another namespace apart', () => {
    const other = reviews({ namespace: 'staging', host: 'reviews.bookinfo.svc.cluster.local' });
    const services = matchFleetServices([
      { cluster: 'a', releases: [reviews()] },
      { cluster: 'b', releases: [other] },
    ]);
    expect(services.map((s) => s.key)).toEqual([
      'bookinfo/reviews.bookinfo.svc.cluster.local',
      'staging/reviews.bookinfo.svc.cluster.local',
    ]);
  });

  it('takes the release with the smaller id when a cluster holds two (VirtualService and HTTPRoute)', () => {
    const gw = reviews({ flavor: 'gateway-api', versions: ['v1'], split: [['v1', 100]] });
    for (const releases of [
      [reviews(), gw],
      [gw, reviews()],
    ]) {
      const [s] = matchFleetServices([{ cluster: 'a', releases }]);
      expect(s?.clusters[0]?.releaseId).toBe(gw.id);
    }
  });

  it('refuses a cluster given twice', () => {
    expect(() =>
      matchFleetServices([
        { cluster: 'a', releases: [] },
        { cluster: 'a', releases: [] },
      ]),
    ).toThrow("cluster 'a' is given twice");
  });

  it('summarises versions, the catch-all split and the rules in words', () => {
    expect(summariseRelease('eu', reviews())).toEqual({
      cluster: 'eu',
      releaseId: 'istio:bookinfo/reviews.bookinfo.svc.cluster.local',
      versions: ['v1', 'v2', 'v3'],
      split: [
        { version: 'v1', weight: 80 },
        { version: 'v2', weight: 10 },
        { version: 'v3', weight: 10 },
      ],
      rules: [{ name: 'jason-on-v2', version: 'v2', match: 'headers.end-user exact "jason"' }],
    });
    expect(
      ruleMatchWords([
        { uri: { prefix: '/api' }, method: { exact: 'GET' } },
        { queryParams: { beta: { exact: '1' } } },
      ]),
    ).toBe('method exact "GET" and uri prefix "/api" or queryParams.beta exact "1"');
    expect(ruleMatchWords([])).toBe('every request');
  });
});

describe('drift', () => {
  it('flags the one cluster whose split differs, in words and as data', () => {
    const [s] = matchFleetServices([
      { cluster: 'eu', releases: [reviews()] },
      {
        cluster: 'us',
        releases: [
          reviews({
            split: [
              ['v1', 50],
              ['v2', 40],
              ['v3', 10],
            ],
          }),
        ],
      },
      { cluster: 'ap', releases: [reviews()] },
    ]);
    const drift = fleetDrift(s as NonNullable<typeof s>);
    expect(drift.drifted).toEqual(['us']);
    expect(drift.items).toHaveLength(1);
    expect(drift.items[0]).toMatchObject({
      cluster: 'us',
      aspect: 'split',
      value: 'v1 50%, v2 40%, v3 10%',
      common: 'v1 80%, v2 10%, v3 10%',
      commonClusters: ['eu', 'ap'],
      split: [
        { version: 'v1', weight: 50 },
        { version: 'v2', weight: 40 },
        { version: 'v3', weight: 10 },
      ],
    });
    expect(drift.items[0]?.words).toBe(
      "us: reviews.bookinfo.svc.cluster.local's catch-all split is v1 50%, v2 40%, v3 10%; most clusters (eu, ap) have v1 80%, v2 10%, v3 10%",
    );
    expect(drift.aspects.find((a) => a.aspect === 'split')).toEqual({
      aspect: 'split',
      groups: [['eu', 'ap'], ['us']],
      common: ['eu', 'ap'],
    });
  });

  it('reads a split as traffic: destination order and 0% shares are no drift', () => {
    const [s] = matchFleetServices([
      {
        cluster: 'a',
        releases: [
          payment([
            ['v1', 0],
            ['v2', 100],
          ]),
        ],
      },
      { cluster: 'b', releases: [payment([['v2', 100]])] },
    ]);
    expect(fleetDrift(s as NonNullable<typeof s>).items).toEqual([]);
    const [t] = matchFleetServices([
      {
        cluster: 'a',
        releases: [
          payment([
            ['v1', 90],
            ['v2', 10],
          ]),
        ],
      },
      {
        cluster: 'b',
        releases: [
          payment([
            ['v2', 10],
            ['v1', 90],
          ]),
        ],
      },
    ]);
    expect(fleetDrift(t as NonNullable<typeof t>).items).toEqual([]);
  });

  it('reports a missing version, the rules that differ, and a cluster without the service', () => {
    const noV3 = reviews({
      versions: ['v1', 'v2'],
      split: [
        ['v1', 80],
        ['v2', 20],
      ],
      rules: [],
    });
    const [s] = matchFleetServices([
      { cluster: 'eu', releases: [reviews()] },
      { cluster: 'us', releases: [reviews()] },
      { cluster: 'ap', releases: [noV3] },
      { cluster: 'sa', releases: [] },
    ]);
    const drift = fleetDrift(s as NonNullable<typeof s>);
    expect(drift.drifted).toEqual(['ap', 'sa']);
    expect(drift.items.map((i) => `${i.aspect}:${i.cluster}`)).toEqual([
      'presence:sa',
      'versions:ap',
      'split:ap',
      'rules:ap',
    ]);
    const versions = drift.items.find((i) => i.aspect === 'versions');
    expect(versions).toMatchObject({
      missingVersions: ['v3'],
      extraVersions: [],
      value: 'v1, v2',
      common: 'v1, v2, v3',
    });
    expect(versions?.words).toBe(
      'ap: reviews.bookinfo.svc.cluster.local lacks version v3; most clusters (eu, us) have v1, v2, v3',
    );
    expect(drift.items.find((i) => i.aspect === 'presence')?.words).toBe(
      'sa does not have reviews.bookinfo.svc.cluster.local; eu, us, ap do',
    );
    expect(drift.items.find((i) => i.aspect === 'rules')?.value).toBe('no content rules');
  });

  it('reports both clusters when two clusters differ, with no common value', () => {
    const [s] = matchFleetServices([
      { cluster: 'a', releases: [reviews()] },
      { cluster: 'b', releases: [reviews({ versions: ['v1', 'v2', 'v3', 'v4'] })] },
    ]);
    const drift = fleetDrift(s as NonNullable<typeof s>);
    expect(drift.drifted).toEqual(['a', 'b']);
    expect(drift.items.map((i) => [i.cluster, i.missingVersions, i.extraVersions, i.common])).toEqual([
      ['a', ['v4'], [], undefined],
      ['b', [], ['v4'], undefined],
    ]);
    expect(drift.items[0]?.words).toContain('no value is shared by more clusters than any other');
  });

  it('lists only the services that drift', () => {
    const services = matchFleetServices([
      {
        cluster: 'eu',
        releases: [
          reviews(),
          payment([
            ['v1', 90],
            ['v2', 10],
          ]),
        ],
      },
      { cluster: 'ap', releases: [reviews(), payment([['v2', 100]])] },
    ]);
    expect(fleetDrifts(services).map((d) => d.key)).toEqual(['shop/payment.shop.svc.cluster.local']);
  });
});

// Releases of one service drawn from a few versions, splits and rules, so clusters often agree.
const arbShape: fc.Arbitrary<ReleaseShape> = fc
  .record({
    versions: fc.subarray(['v1', 'v2', 'v3'], { minLength: 1 }),
    first: fc.constantFrom(100, 90, 50),
    hasRoute: fc.boolean(),
    rules: fc.array(fc.tuple(fc.constantFrom('jason', 'kim'), fc.constantFrom('v1', 'v2')), { maxLength: 2 }),
  })
  .map(({ versions, first, hasRoute, rules }) => {
    const [head, ...rest] = versions as [string, ...string[]];
    const split: Array<[string, number]> = [[head, rest.length ? first : 100]];
    if (rest.length) split.push([rest[0] as string, 100 - first]);
    return { versions, split: hasRoute ? split : null, rules };
  });

const arbFleet = fc
  .array(fc.option(arbShape, { freq: 6 }), { minLength: 1, maxLength: 6 })
  .map((shapes) =>
    shapes.map(
      (shape, i) => ({ cluster: `c${i}`, releases: shape ? [release(shape)] : [] }) as ClusterReleases,
    ),
  );

const itemKeys = (fleet: ClusterReleases[]) =>
  matchFleetServices(fleet)
    .flatMap((s) =>
      // Everything but the words, which list clusters in the order given.
      fleetDrift(s).items.map((i) =>
        [
          s.key,
          i.aspect,
          i.cluster,
          i.value,
          i.common,
          [...(i.commonClusters ?? [])].sort(),
          i.missingVersions,
          i.extraVersions,
        ].join('|'),
      ),
    )
    .sort();

describe('drift: the common value shown', () => {
  it('is the same whichever cluster of the common group comes first (splits equal but for a 0% share)', () => {
    const a = {
      cluster: 'a',
      releases: [
        reviews({
          split: [
            ['v1', 100],
            ['v2', 0],
          ],
          rules: [],
        }),
      ],
    };
    const b = {
      cluster: 'b',
      releases: [
        reviews({
          split: [
            ['v1', 100],
            ['v3', 0],
          ],
          rules: [],
        }),
      ],
    };
    const c = { cluster: 'c', releases: [reviews({ split: null, rules: [] })] };
    const common = (fleet: ClusterReleases[]) => {
      const [service] = matchFleetServices(fleet);
      if (!service) throw new Error('no service matched');
      return fleetDrift(service)
        .items.filter((i) => i.aspect === 'split')
        .map((i) => [i.cluster, i.common]);
    };
    expect(common([a, b, c])).toEqual([['c', 'v1 100%, v2 0%']]);
    expect(common([b, a, c])).toEqual(common([a, b, c]));
  });
});

describe('drift, as properties', () => {
  it('is empty for identical releases in every cluster', () => {
    fc.assert(
      fc.property(arbShape, fc.integer({ min: 1, max: 8 }), (shape, n) => {
        const fleet = Array.from({ length: n }, (_, i) => ({ cluster: `c${i}`, releases: [release(shape)] }));
        const [s] = matchFleetServices(fleet);
        const drift = fleetDrift(s as NonNullable<typeof s>);
        expect(drift.items).toEqual([]);
        expect(drift.drifted).toEqual([]);
      }),
    );
  });

  it('does not depend on the order the clusters are given in', () => {
    fc.assert(
      fc.property(
        arbFleet.chain((fleet) =>
          fc.tuple(fc.constant(fleet), fc.shuffledSubarray(fleet, { minLength: fleet.length })),
        ),
        ([fleet, shuffled]) => {
          expect(itemKeys(shuffled)).toEqual(itemKeys(fleet));
        },
      ),
    );
  });

  it('is symmetric: of two clusters that differ in an aspect, both are reported for it, else neither', () => {
    fc.assert(
      fc.property(arbShape, arbShape, (a, b) => {
        const [s] = matchFleetServices([
          { cluster: 'a', releases: [release(a)] },
          { cluster: 'b', releases: [release(b)] },
        ]);
        const drift = fleetDrift(s as NonNullable<typeof s>);
        for (const aspect of ['versions', 'split', 'rules'] as const) {
          const who = drift.items.filter((i) => i.aspect === aspect).map((i) => i.cluster);
          expect(who.length === 0 || who.join() === 'a,b').toBe(true);
        }
        expect(drift.drifted.length === 0 || drift.drifted.join() === 'a,b').toBe(true);
      }),
    );
  });

  it('reports a cluster only when another cluster has a different value for that aspect', () => {
    fc.assert(
      fc.property(arbFleet, (fleet) => {
        for (const s of matchFleetServices(fleet)) {
          const drift = fleetDrift(s);
          for (const group of drift.aspects) {
            if (group.groups.length < 2)
              expect(drift.items.filter((i) => i.aspect === group.aspect)).toEqual([]);
            // A cluster of the common group is never reported; every other one is.
            const reported = drift.items.filter((i) => i.aspect === group.aspect).map((i) => i.cluster);
            const expected =
              group.groups.length < 2 ? [] : group.groups.flat().filter((c) => !group.common?.includes(c));
            expect([...reported].sort()).toEqual([...expected].sort());
          }
        }
      }),
    );
  });
});
