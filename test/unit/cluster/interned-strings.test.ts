import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coreResources } from '../../../main/core/cluster/cluster-resources.ts';
import { createStringPool, flatString, internStrings } from '../../../main/core/cluster/interned-strings.ts';
import { slimObject } from '../../../main/core/cluster/slim-objects.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

const deployment = (name: string, uid: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace: 'shop',
    uid,
    resourceVersion: `${uid}-rv`,
    labels: { app: 'reviews', version: 'v1' },
  },
  spec: { template: { metadata: { labels: { app: 'reviews', version: 'v1' } } } },
  status: { conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] },
});

describe('internStrings', () => {
  it('leaves any JSON value equal to what it was', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = structuredClone(value);
        expect(internStrings(copy, createStringPool())).toEqual(value);
      }),
    );
  });

  it('pools each repeated string once, and not the values unique to one object', () => {
    const pool = createStringPool();
    internStrings(deployment('reviews-v1', 'u1'), pool);
    const after = pool.size;
    // The same strings again (uid and resourceVersion excepted): the pool does not grow.
    internStrings(deployment('reviews-v1', 'u2'), pool);
    expect(pool.size).toBe(after);
    expect(after).toBeGreaterThan(0);
  });

  it('leaves frozen objects alone instead of throwing', () => {
    const frozen = Object.freeze({ kind: 'Service', nested: { name: 'a' } });
    expect(internStrings(frozen, createStringPool())).toEqual({ kind: 'Service', nested: { name: 'a' } });
  });

  it('keeps at most `limit` strings, then starts afresh', () => {
    const pool = createStringPool(3);
    for (const s of ['a', 'b', 'c']) pool.intern(s);
    expect(pool.size).toBe(3);
    expect(pool.intern('d')).toBe('d');
    expect(pool.size).toBe(1);
  });

  it('does not pool strings longer than maxLength', () => {
    const pool = createStringPool(10, 4);
    expect(pool.intern('longer')).toBe('longer');
    expect(pool.size).toBe(0);
  });
});

describe('flatString', () => {
  it('is the same string', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(flatString(`${a}/${b}`)).toBe(`${a}/${b}`);
      }),
    );
  });
});

describe('slimObject with a pool', () => {
  it('keeps the same object as without one', () => {
    const resource = coreResources.find((r) => r.key === 'deployments');
    if (!resource) throw new Error('deployments');
    const o = deployment('reviews-v1', 'u1');
    expect(slimObject(structuredClone(o), resource, createStringPool())).toEqual(slimObject(o, resource));
  });
});
