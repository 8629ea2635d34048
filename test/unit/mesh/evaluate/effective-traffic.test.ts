import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import type { MeshRequest } from '../../../../shared/mesh/evaluate/index.ts';
import {
  effectiveTraffic,
  measuredShares,
  releaseTrafficRoutes,
  roundedPercents,
  type TrafficRoute,
  versionsReceivingTraffic,
} from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { setCatchAllTo, setRuleEnabled } from '../../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../../shared/mesh/read/index.ts';

const engine = re2Engine();

// Requests in the property tests are small integers; a rule matches a set of them.
const routeArb = (versions: string[]) =>
  fc.record({
    enabled: fc.boolean(),
    set: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }),
    targets: fc.array(
      fc.record({ version: fc.constantFrom(...versions), weight: fc.integer({ min: 0, max: 100 }) }),
      { minLength: 1, maxLength: 3 },
    ),
  });
const populationArb = fc.array(
  fc.record({ request: fc.integer({ min: 0, max: 9 }), weight: fc.integer({ min: 1, max: 50 }) }),
  { minLength: 1, maxLength: 40 },
);
const toRoutes = (
  rows: Array<{ enabled: boolean; set: number[]; targets: Array<{ version: string; weight: number }> }>,
): TrafficRoute<number>[] =>
  rows.map((r, i) => ({
    label: `rule ${i + 1}`,
    enabled: r.enabled,
    matches: (n: number) => r.set.includes(n),
    targets: r.targets,
  }));
const catchAll = (targets: Array<{ version: string; weight: number }>): TrafficRoute<number> => ({
  label: 'catch-all',
  catchAll: true,
  enabled: true,
  matches: () => true,
  targets,
});
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('effectiveTraffic (properties)', () => {
  const versions = ['v1', 'v2', 'v3'];

  it('shares, unrouted and no-target add up to 100% of the population', () => {
    fc.assert(
      fc.property(fc.array(routeArb(versions), { maxLength: 5 }), populationArb, (rows, population) => {
        const r = effectiveTraffic(toRoutes(rows), population);
        const total = sum(r.versions.map((v) => v.share)) + r.unrouted + r.noTarget;
        expect(total).toBeCloseTo(1, 9);
        expect(r.total).toBe(sum(population.map((p) => p.weight)));
        for (const v of r.versions) expect(v.share).toBeCloseTo(v.viaRules + v.viaCatchAll, 12);
      }),
    );
  });

  it('with a catch-all that has weight, every request reaches a version (shares sum to 100%)', () => {
    fc.assert(
      fc.property(
        fc.array(routeArb(versions), { maxLength: 5 }),
        populationArb,
        fc.integer({ min: 1, max: 100 }),
        (rows, population, w) => {
          const routes = toRoutes(rows.map((r) => ({ ...r, targets: [{ version: 'v1', weight: 1 }] })));
          const r = effectiveTraffic([...routes, catchAll([{ version: 'v1', weight: w }])], population);
          expect(sum(r.versions.map((v) => v.share))).toBeCloseTo(1, 9);
          expect(r.unrouted).toBe(0);
        },
      ),
    );
  });

  it('a disabled rule changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(routeArb(versions), { maxLength: 5 }),
        routeArb(versions),
        fc.nat(5),
        populationArb,
        (rows, extra, at, population) => {
          const base = toRoutes(rows);
          const withDisabled = [...base];
          withDisabled.splice(Math.min(at, base.length), 0, toRoutes([{ ...extra, enabled: false }])[0]!);
          const a = effectiveTraffic([...base, catchAll([{ version: 'v1', weight: 100 }])], population);
          const b = effectiveTraffic(
            [...withDisabled, catchAll([{ version: 'v1', weight: 100 }])],
            population,
          );
          expect(b.versions).toEqual(a.versions);
          expect(b.unrouted).toBe(a.unrouted);
        },
      ),
    );
  });

  it('a first rule that catches everything gives its target 100%', () => {
    fc.assert(
      fc.property(
        fc.array(routeArb(versions), { maxLength: 5 }),
        fc.constantFrom(...versions),
        populationArb,
        (rows, target, population) => {
          const everything: TrafficRoute<number> = {
            label: 'all',
            enabled: true,
            matches: () => true,
            targets: [{ version: target, weight: 1 }],
          };
          const r = effectiveTraffic(
            [everything, ...toRoutes(rows), catchAll([{ version: 'v2', weight: 100 }])],
            population,
          );
          expect(r.versions).toEqual([{ version: target, share: 1, viaRules: 1, viaCatchAll: 0 }]);
        },
      ),
    );
  });

  it('divides a route by relative weights (Gateway API weights need not add to 100)', () => {
    const r = effectiveTraffic(
      [
        catchAll([
          { version: 'a', weight: 3 },
          { version: 'b', weight: 1 },
        ]),
      ],
      [{ request: 0, weight: 8 }],
    );
    expect(r.versions).toEqual([
      { version: 'a', share: 0.75, viaRules: 0, viaCatchAll: 0.75 },
      { version: 'b', share: 0.25, viaRules: 0, viaCatchAll: 0.25 },
    ]);
  });

  it('counts requests caught by a route without weight as no-target, and uncaught ones as unrouted', () => {
    const r = effectiveTraffic(
      [
        {
          label: 'r',
          enabled: true,
          matches: (n: number) => n === 1,
          targets: [{ version: 'a', weight: 0 }],
        },
      ],
      [{ request: 1 }, { request: 2 }, { request: 2 }, { request: 2 }],
    );
    expect(r.noTarget).toBe(0.25);
    expect(r.unrouted).toBe(0.75);
    expect(r.versions).toEqual([]);
  });
});

// The demo's reviews: jason → v2, x-canary → v3, catch-all 80/15/5.
const reviewsObjects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'bookinfo', resourceVersion: '1' },
    spec: {
      hosts: ['reviews'],
      http: [
        {
          name: 'jason-on-v2',
          match: [{ headers: { 'end-user': { exact: 'jason' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v2' } }],
        },
        {
          name: 'canary-header',
          match: [{ headers: { 'x-canary': { regex: 'yes|true' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v3' } }],
        },
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 15 },
            { destination: { host: 'reviews', subset: 'v3' }, weight: 5 },
          ],
        },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'bookinfo', resourceVersion: '1' },
    spec: {
      host: 'reviews',
      subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })),
    },
  },
];

const population: Array<{ request: MeshRequest }> = [
  ...Array.from({ length: 10 }, () => ({ request: { headers: { 'end-user': 'jason' } } })),
  ...Array.from({ length: 10 }, () => ({ request: { headers: { 'x-canary': 'true' } } })),
  ...Array.from({ length: 80 }, (_, i) => ({ request: { headers: { 'end-user': `user-${i}` } } })),
];

describe('effective traffic of a release', () => {
  const release = readIstioReleases(reviewsObjects)[0]!;

  it('counts the rules before the catch-all weights', () => {
    const { routes, invalid } = releaseTrafficRoutes(release, engine);
    expect(invalid).toEqual([]);
    const r = effectiveTraffic(routes, population);
    const by = Object.fromEntries(r.versions.map((v) => [v.version, v.share]));
    expect(by.v1).toBeCloseTo(0.8 * 0.8, 9);
    expect(by.v2).toBeCloseTo(0.1 + 0.8 * 0.15, 9);
    expect(by.v3).toBeCloseTo(0.1 + 0.8 * 0.05, 9);
    expect(r.routes.map((x) => x.label)).toEqual(['jason-on-v2', 'canary-header', 'catch-all']);
  });

  it('a catch-all at 100% is not all traffic while rules route elsewhere', () => {
    const { routes } = releaseTrafficRoutes(setCatchAllTo(release, 'v1'), engine);
    const r = effectiveTraffic(routes, population);
    const by = Object.fromEntries(r.versions.map((v) => [v.version, v.share]));
    expect(by.v1).toBeCloseTo(0.8, 9);
    expect(by.v2).toBeCloseTo(0.1, 9);
    expect(by.v3).toBeCloseTo(0.1, 9);
    expect(versionsReceivingTraffic(setCatchAllTo(release, 'v1'))).toEqual(['v2', 'v3', 'v1']);
  });

  it('skips disabled rules', () => {
    const d = setRuleEnabled(setRuleEnabled(setCatchAllTo(release, 'v1'), 'http:0', false), 'http:1', false);
    const r = effectiveTraffic(releaseTrafficRoutes(d, engine).routes, population);
    expect(r.versions).toEqual([{ version: 'v1', share: 1, viaRules: 0, viaCatchAll: 1 }]);
    expect(versionsReceivingTraffic(d)).toEqual(['v1']);
  });

  it('a rule whose regex does not compile catches nothing and is reported', () => {
    const d = setCatchAllTo(release, 'v1');
    d.rules[1] = { ...d.rules[1]!, matches: [{ headers: { 'x-canary': { regex: '(?=x)' } } }] };
    const { routes, invalid } = releaseTrafficRoutes(d, engine);
    expect(invalid.map((i) => i.position)).toEqual([1]);
    const r = effectiveTraffic(routes, population);
    expect(r.versions.find((v) => v.version === 'v3')).toBeUndefined();
  });
});

describe('measuredShares and roundedPercents', () => {
  it('turns rates into shares and ignores versions without traffic', () => {
    expect(
      measuredShares([
        { version: 'v1', rps: 3 },
        { version: 'v2', rps: 1 },
        { version: 'v3', rps: null },
      ]),
    ).toEqual([
      { version: 'v1', share: 0.75 },
      { version: 'v2', share: 0.25 },
      { version: 'v3', share: 0 },
    ]);
    expect(measuredShares([{ version: 'v1', rps: 0 }])).toEqual([]);
  });

  it('rounds to whole percents that add up to the rounded total', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 6 }), (raw) => {
        const total = sum(raw);
        fc.pre(total > 0);
        const shares = raw.map((n, i) => ({ key: `v${i}`, share: n / total }));
        const p = roundedPercents(shares);
        expect(sum([...p.values()])).toBe(100);
        for (const s of shares) expect(Math.abs((p.get(s.key) ?? 0) - s.share * 100)).toBeLessThan(1);
      }),
    );
  });
});
