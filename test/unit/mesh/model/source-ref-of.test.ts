import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceRef } from '../../../../shared/mesh/model/index.ts';
import { sourceRefOf } from '../../../../shared/mesh/model/index.ts';

/** sourceRefOf as it was: the four keys, then resourceVersion and uid when set. */
function reference(o: Parameters<typeof sourceRefOf>[0]): SourceRef {
  const ref: SourceRef = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata.namespace || 'default',
    name: o.metadata.name,
  };
  if (o.metadata.resourceVersion !== undefined) ref.resourceVersion = String(o.metadata.resourceVersion);
  if (o.metadata.uid !== undefined) ref.uid = o.metadata.uid;
  return ref;
}

describe('sourceRefOf', () => {
  it('gives the same keys, in the same order, with the same values, for any object', () => {
    const objectArb = fc.record({
      apiVersion: fc.string(),
      kind: fc.string(),
      metadata: fc.record(
        {
          name: fc.string(),
          namespace: fc.oneof(fc.constant(''), fc.string()),
          resourceVersion: fc.oneof(
            fc.string(),
            fc.integer().map((n) => n as unknown as string),
          ),
          uid: fc.string(),
        },
        { requiredKeys: ['name'] },
      ),
    });
    fc.assert(
      fc.property(objectArb, (o) => {
        const got = sourceRefOf(o);
        const want = reference(o);
        expect(got).toStrictEqual(want);
        expect(Object.keys(got)).toEqual(Object.keys(want));
      }),
    );
  });
});
