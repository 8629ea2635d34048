import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import {
  LAST_APPLIED_ANNOTATION,
  OBJECT_META_FIELDS,
  reviewPair,
  SERVER_MANAGED_METADATA,
  UNOWNED_METADATA,
  withoutServerFields,
} from '../../../../shared/mesh/model/index.ts';

const live: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: {
    name: 'reviews',
    namespace: 'bookinfo',
    uid: 'a-uid',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'kubectl', operation: 'Update' }],
    labels: { app: 'reviews' },
    annotations: { [LAST_APPLIED_ANNOTATION]: '{"big":"copy"}', team: 'shop' },
  },
  spec: { hosts: ['reviews'] },
  status: { observedGeneration: 3 },
};

describe('server-managed fields', () => {
  it('leaves out server metadata, the last-applied annotation and status; keeps the rest', () => {
    expect(withoutServerFields(live)).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'reviews',
        namespace: 'bookinfo',
        labels: { app: 'reviews' },
        annotations: { team: 'shop' },
      },
      spec: { hosts: ['reviews'] },
    });
    expect(live.metadata.uid).toBe('a-uid');
  });

  it('drops an annotation map left empty, and keeps status when asked', () => {
    const only = {
      ...live,
      metadata: { ...live.metadata, annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } },
    };
    expect(withoutServerFields(only).metadata.annotations).toBeUndefined();
    expect(withoutServerFields(only, true).status).toEqual({ observedGeneration: 3 });
  });

  it('a review pair shows status only when the status is what changed', () => {
    const bumped = { ...live, metadata: { ...live.metadata, resourceVersion: '43', generation: 4 } };
    const [b, a] = reviewPair(live, { ...bumped, spec: { hosts: ['reviews', 'r2'] } });
    expect(b?.status).toBeUndefined();
    expect(a?.status).toBeUndefined();
    expect(a?.metadata).toEqual(b?.metadata);
    const [b2, a2] = reviewPair(live, { ...live, status: { observedGeneration: 4 } });
    expect(b2?.status).toEqual({ observedGeneration: 3 });
    expect(a2?.status).toEqual({ observedGeneration: 4 });
    expect(reviewPair(null, live)).toEqual([null, withoutServerFields(live)]);
  });

  it('property: no server field survives, nothing else is lost, the input is untouched, idempotent', () => {
    const meta = fc.dictionary(
      fc.constantFrom(...SERVER_MANAGED_METADATA, 'name', 'labels', 'ownerReferences', 'finalizers'),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(meta, fc.jsonValue(), fc.option(fc.jsonValue(), { nil: undefined }), (m, spec, status) => {
        const o: KubeObject = {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'x', ...m },
          spec,
          ...(status === undefined ? {} : { status }),
        };
        const copy = structuredClone(o);
        const out = withoutServerFields(o);
        expect(o).toEqual(copy);
        for (const f of SERVER_MANAGED_METADATA) expect(out.metadata).not.toHaveProperty(f);
        expect(out).not.toHaveProperty('status');
        for (const [k, v] of Object.entries(o.metadata))
          if (!SERVER_MANAGED_METADATA.includes(k)) expect(out.metadata[k]).toEqual(v);
        expect(out.spec).toEqual(spec);
        expect(withoutServerFields(out)).toEqual(out);
      }),
    );
  });
});

describe('the one list of ObjectMeta fields', () => {
  it('names what the server sets, and what nobody owns adds only the identity', () => {
    expect([...SERVER_MANAGED_METADATA].sort()).toEqual(
      [
        'creationTimestamp',
        'deletionGracePeriodSeconds',
        'deletionTimestamp',
        'generation',
        'managedFields',
        'resourceVersion',
        'selfLink',
        'uid',
      ].sort(),
    );
    expect([...UNOWNED_METADATA].sort()).toEqual([...SERVER_MANAGED_METADATA, 'name', 'namespace'].sort());
    for (const f of UNOWNED_METADATA) expect(OBJECT_META_FIELDS).toContain(f);
  });
});
