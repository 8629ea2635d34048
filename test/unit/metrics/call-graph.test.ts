import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeCallers,
  downstreamMatches,
  downstreamOffers,
  headersRead,
  isEdgeCaller,
  judgeCallers,
} from '../../../shared/metrics/call-graph.ts';

const productpage = { workload: 'productpage-v1', namespace: 'bookinfo', rps: 4.2 };
const gateway = { workload: 'istio-ingressgateway', namespace: 'istio-system', rps: 4.1 };

describe('who calls a service', () => {
  it('calls a service reached only from mesh workloads internal, naming them', () => {
    const v = judgeCallers([productpage]);
    expect(v.kind).toBe('internal');
    expect(v.meshRps).toBeCloseTo(4.2);
    expect(v.callers).toEqual([{ ...productpage, edge: false }]);
    expect(describeCallers('reviews', v, ['end-user', 'x-canary'])).toBe(
      'reviews is not an entry point: every request comes from productpage-v1. Its content rules match only if that service forwards the end-user, x-canary headers from the request it received.',
    );
  });

  it('calls a service reached from a gateway or from outside the mesh an entry point', () => {
    expect(judgeCallers([gateway]).kind).toBe('entry');
    expect(judgeCallers([{ workload: 'unknown', namespace: 'unknown', rps: 1 }]).kind).toBe('entry');
    const both = judgeCallers([productpage, gateway]);
    expect(both.kind).toBe('entry');
    expect(describeCallers('productpage', both, [])).toContain('also called by productpage-v1');
  });

  it('says nothing is known when no request arrived, and ignores rate noise', () => {
    expect(judgeCallers([]).kind).toBe('idle');
    expect(judgeCallers([{ ...productpage, rps: 0.0001 }]).kind).toBe('idle');
    expect(judgeCallers([{ ...productpage, rps: Number.NaN }]).kind).toBe('idle');
    expect(describeCallers('reviews', judgeCallers([]), [])).toMatch(/not known yet/);
  });

  it('tells edge callers by their workload', () => {
    expect(isEdgeCaller(gateway)).toBe(true);
    expect(isEdgeCaller({ workload: 'istio-egressgateway', namespace: 'istio-system' })).toBe(true);
    expect(isEdgeCaller(productpage)).toBe(false);
  });

  it('adds up every caller exactly once, edge or mesh (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            workload: fc.constantFrom('a-v1', 'b-v2', 'istio-ingressgateway', 'unknown'),
            namespace: fc.constant('ns'),
            rps: fc.double({ min: 0.01, max: 1000, noNaN: true }),
          }),
        ),
        (callers) => {
          const v = judgeCallers(callers);
          const total = callers.reduce((s, c) => s + c.rps, 0);
          expect(v.edgeRps + v.meshRps).toBeCloseTo(total, 6);
          expect(v.kind === 'entry').toBe(callers.some(isEdgeCaller));
        },
      ),
    );
  });
});

describe('the same rule downstream', () => {
  const releases = [
    { releaseId: 'istio:bookinfo/ratings', host: 'ratings', versions: ['v1', 'v2'], editable: true },
    { releaseId: 'istio:bookinfo/details', host: 'details', versions: ['v1'], editable: false },
  ];

  it('offers the versions the rules route to that exist downstream too', () => {
    const offers = downstreamOffers(
      ['v2', 'v3'],
      [
        { host: 'details', rps: 1 },
        { host: 'ratings', rps: 2 },
        { host: 'reviews', rps: 9 },
        { host: 'nowhere', rps: 0.5 },
      ],
      releases,
      ['reviews'],
    );
    expect(offers).toEqual([
      {
        host: 'ratings',
        rps: 2,
        releaseId: 'istio:bookinfo/ratings',
        versions: ['v1', 'v2'],
        sameVersions: ['v2'],
      },
      {
        host: 'details',
        rps: 1,
        releaseId: 'istio:bookinfo/details',
        versions: ['v1'],
        sameVersions: [],
        blocked: 'its routing is read-only here',
      },
      {
        host: 'nowhere',
        rps: 0.5,
        versions: [],
        sameVersions: [],
        blocked: 'no route of its own to add a rule to',
      },
    ]);
  });

  it('reads the headers rules match on, and copies only those conditions downstream', () => {
    const matches = [
      { headers: { 'End-User': { exact: 'jason' } }, uri: { prefix: '/api' } },
      { queryParams: { canary: { exact: '1' } } },
    ];
    expect(headersRead([{ matches }])).toEqual(['end-user']);
    expect(downstreamMatches(matches)).toEqual([{ headers: { 'End-User': { exact: 'jason' } } }]);
  });
});
