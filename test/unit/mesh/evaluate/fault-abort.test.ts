import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import { faultAbortOf, isAborted } from '../../../../shared/mesh/evaluate/fault-abort.ts';
import { compileVirtualService, previewTraffic } from '../../../../shared/mesh/evaluate/index.ts';
import type { VirtualService } from '../../../../shared/mesh/model/index.ts';

const vs = (fault: unknown): VirtualService => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'ratings', namespace: 'bookinfo' },
  spec: {
    hosts: ['ratings'],
    http: [
      {
        ...(fault === undefined ? {} : { fault }),
        route: [
          { destination: { host: 'ratings', subset: 'v1' }, weight: 50 },
          { destination: { host: 'ratings', subset: 'v2' }, weight: 50 },
        ],
      },
    ],
  },
});

describe('fault injection abort', () => {
  it('is read from httpStatus and percentage; no percentage aborts every request', () => {
    expect(faultAbortOf({ fault: { abort: { httpStatus: 503, percentage: { value: 10 } } } })).toEqual({
      status: 503,
      percent: 10,
    });
    expect(faultAbortOf({ fault: { abort: { httpStatus: 500 } } })).toEqual({ status: 500, percent: 100 });
    expect(faultAbortOf({ fault: { abort: { grpcStatus: 'UNAVAILABLE' } } })).toBeUndefined();
    expect(faultAbortOf({ fault: { delay: { fixedDelay: '5s' } } })).toBeUndefined();
    expect(faultAbortOf({})).toBeUndefined();
  });

  it('takes its share of the requests in the preview, as the mesh answers them, from both versions alike', () => {
    const router = compileVirtualService(vs({ abort: { httpStatus: 503, percentage: { value: 20 } } }), {
      engine: re2Engine(),
    });
    const result = previewTraffic(
      router,
      Array.from({ length: 4000 }, () => ({ path: '/' })),
      { seed: 7 },
    );
    const aborted = result.other.find((o) => o.outcome.startsWith('direct response 503 (fault injection'));
    expect((aborted?.count ?? 0) / 4000).toBeGreaterThan(0.18);
    expect((aborted?.count ?? 0) / 4000).toBeLessThan(0.22);
    const served = Object.fromEntries(result.versions.map((v) => [v.version, v.count / 4000]));
    expect(served.v1).toBeGreaterThan(0.37);
    expect(served.v2).toBeGreaterThan(0.37);
  });

  it('aborts about its percentage of uniform draws (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), (percent) => {
        const n = 2000;
        let hit = 0;
        for (let i = 0; i < n; i++) if (isAborted({ status: 503, percent }, (i + 0.5) / n)) hit++;
        expect(Math.abs((100 * hit) / n - percent)).toBeLessThan(1.5);
      }),
      { numRuns: 50 },
    );
  });
});
