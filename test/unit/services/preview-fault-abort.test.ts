import { describe, expect, it } from 'vitest';
import { previewRelease } from '../../../main/core/services/release-preview.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { cluster, dest } from '../../helpers/reviews-routes.ts';

// A catch-all with a fault injection abort for half its requests: the caller's proxy answers those
// itself (503, flag FI) before any destination is picked. The preview's shares by version must not
// count them as served by v1 and v2 (and then again among the outcomes that reach no version).
const engine = re2Engine();
const objects = cluster(
  [
    {
      fault: { abort: { httpStatus: 503, percentage: { value: 50 } } },
      route: [dest('v1', 50), dest('v2', 50)],
    },
  ],
  ['v1', 'v2'],
  'shop',
);

describe('the preview of a catch-all with a fault abort', () => {
  it('gives the versions only the requests that are not aborted', () => {
    const release = readIstioReleases(objects)[0]!;
    const requests = Array.from({ length: 2000 }, (_, i) => ({ path: `/r/${i}` }));
    const view = previewRelease({
      release,
      input: {
        split: [
          { version: 'v1', weight: 50 },
          { version: 'v2', weight: 50 },
        ],
        rules: [],
      },
      objects,
      engine,
      requests,
      source: 'jsonl',
    });
    const served = view.versions.reduce((s, v) => s + v.share, 0);
    const aborted = view.other.reduce((s, o) => s + o.share, 0);
    expect(aborted).toBeGreaterThan(0.4);
    expect(aborted).toBeLessThan(0.6);
    expect(served + aborted).toBeCloseTo(1, 6);
  });
});
