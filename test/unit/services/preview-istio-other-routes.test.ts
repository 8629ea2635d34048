import { describe, expect, it } from 'vitest';
import { previewRelease } from '../../../main/core/services/release-preview.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { cluster, dest } from '../../helpers/reviews-routes.ts';

// The estimate the split bar shows (no metrics yet) routes the sample through the VirtualService:
// a matched route the console does not edit (beta testers split 50/50) still serves the requests
// it takes, so they are neither "reaching no version" nor part of the catch-all a slider divides.
const engine = re2Engine();
const objects = cluster(
  [
    { match: [{ headers: { 'x-beta': { exact: '1' } } }], route: [dest('v1', 50), dest('v2', 50)] },
    { route: [dest('v1', 90), dest('v2', 10)] },
  ],
  ['v1', 'v2'],
  'shop',
);

describe('the preview of an Istio release with a matched split route', () => {
  it('counts the requests that route takes where it sends them', () => {
    const release = readIstioReleases(objects)[0]!;
    const requests = [
      ...Array.from({ length: 10 }, () => ({ headers: { 'x-beta': '1' } })),
      ...Array.from({ length: 10 }, () => ({})),
    ];
    const view = previewRelease({
      release,
      input: {
        split: [
          { version: 'v1', weight: 90 },
          { version: 'v2', weight: 10 },
        ],
        rules: [],
      },
      objects,
      engine,
      requests,
      source: 'jsonl',
    });
    const share = Object.fromEntries(view.versions.map((v) => [v.version, Math.round(v.share * 100)]));
    // Beta: 5 to v1, 5 to v2; the rest: 9 to v1, 1 to v2.
    expect(share).toEqual({ v1: 70, v2: 30 });
    // Only the other half reaches the catch-all the sliders divide.
    expect(view.unmatched.count).toBe(10);
  });
});
