import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPlaceHash, parsePlaceHash } from '../../../renderer/src/app/location-hash.ts';

describe('the open place in the URL hash', () => {
  it('writes a context and a release id (with slashes and colons) so they read back unchanged', () => {
    const place = { contextId: 'demo', releaseId: 'istio:bookinfo/reviews.bookinfo.svc.cluster.local' };
    const hash = formatPlaceHash(place);
    expect(hash).toBe('#/c/demo/s/istio%3Abookinfo%2Freviews.bookinfo.svc.cluster.local');
    expect(parsePlaceHash(hash)).toEqual(place);
    expect(parsePlaceHash('#/c/demo')).toEqual({ contextId: 'demo' });
    expect(formatPlaceHash(undefined)).toBe('');
  });

  it('ignores a hash it did not write', () => {
    for (const h of ['', '#', '#/c/', '#/x/demo', '#/c/demo/s/', '#/c/a/b', '#/c/%E0%A4%A'])
      expect(parsePlaceHash(h)).toBeUndefined();
  });

  it('property: any context and release id round-trip', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        (c, r) => {
          const place = r === undefined ? { contextId: c } : { contextId: c, releaseId: r };
          expect(parsePlaceHash(formatPlaceHash(place))).toEqual(place);
        },
      ),
    );
  });
});
