// The catch-all's backendRefs when a rollout's version is withdrawn (abort on a Gateway API route):
// worked out from the refs as they are now, the version's ref gone and its share given back to the
// stable version, every other ref kept as it is; the refs saved before it was added are written
// back only where they route the same.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveBackendWeight } from '../../../../shared/mesh/model/index.ts';
import { withdrawnBackendRefs } from '../../../../shared/mesh/plan/index.ts';

type Ref = { name: string; port: number; weight?: number; namespace?: string };
const ref = (name: string, weight?: number): Ref => ({
  name,
  port: 8080,
  ...(weight === undefined ? {} : { weight }),
});
const opts = { version: 'search-v2', stable: 'search-v1', routeNamespace: 'storefront' };
const names = (refs: unknown[]) => (refs as Ref[]).map((r) => r.name);
const weightOf = (r: unknown) => effectiveBackendWeight((r as Ref).weight);
const total = (refs: readonly unknown[]) => refs.reduce<number>((sum, r) => sum + weightOf(r), 0);

describe('withdrawnBackendRefs', () => {
  it('gives the share back to the stable version in the route’s own scale, keeping the others', () => {
    const now = [ref('search-v1', 9), ref('search-v2', 1), ref('search-v3', 0)];
    expect(withdrawnBackendRefs(now, opts)).toEqual([ref('search-v1', 10), ref('search-v3', 0)]);
    // Saved when v2 was added, before v3 came: not the same refs, so not written back.
    expect(withdrawnBackendRefs(now, { ...opts, before: [ref('search-v1', 1)] })).toEqual([
      ref('search-v1', 10),
      ref('search-v3', 0),
    ]);
  });

  it('two rollouts aborted in turn never bring back the first one’s deleted Service', () => {
    // v2 took 10% and v3 was added at 0 (saving v1:9, v2:1 as its "before"); v2 is aborted first.
    const afterV2 = withdrawnBackendRefs([ref('search-v1', 9), ref('search-v2', 1), ref('search-v3', 0)], {
      ...opts,
      before: [ref('search-v1', 1)],
    });
    const afterV3 = withdrawnBackendRefs(afterV2, {
      ...opts,
      version: 'search-v3',
      before: [ref('search-v1', 9), ref('search-v2', 1)],
    });
    expect(afterV3).toEqual([ref('search-v1', 10)]);
  });

  it('writes the refs back as they were before when they route the same (weights as first written)', () => {
    expect(
      withdrawnBackendRefs([ref('search-v1', 9), ref('search-v2', 1)], {
        ...opts,
        before: [ref('search-v1')],
      }),
    ).toEqual([ref('search-v1')]);
    const before = [ref('search-v1', 3), ref('search-v3', 1)];
    expect(
      withdrawnBackendRefs([ref('search-v1', 60), ref('search-v3', 25), ref('search-v2', 15)], {
        ...opts,
        before,
      }),
    ).toEqual(before);
    // v3's share moved since: 75/25 before, 70/30 now.
    expect(
      withdrawnBackendRefs([ref('search-v1', 60), ref('search-v3', 30), ref('search-v2', 10)], {
        ...opts,
        before,
      }),
    ).toEqual([ref('search-v1', 70), ref('search-v3', 30)]);
  });

  it('leaves a ref to a Service of another namespace by the same name, and a route without the version', () => {
    const elsewhere = { ...ref('search-v2', 5), namespace: 'other' };
    expect(withdrawnBackendRefs([ref('search-v1', 5), elsewhere], opts)).toEqual([
      ref('search-v1', 5),
      elsewhere,
    ]);
    expect(withdrawnBackendRefs([ref('search-v1', 5), ref('search-v2', 5)], opts)).toEqual([
      ref('search-v1', 10),
    ]);
  });

  it('refuses to leave a route whose requests all went to the version with nothing to take them', () => {
    expect(() => withdrawnBackendRefs([ref('search-v2', 1)], opts)).toThrow(/every request to search-v2/);
    expect(() => withdrawnBackendRefs([ref('search-v3', 0), ref('search-v2')], opts)).toThrow(
      /no backend to take them/,
    );
    // At weight 0 it took nothing: the rest routes as before.
    expect(withdrawnBackendRefs([ref('search-v3', 0), ref('search-v2', 0)], opts)).toEqual([
      ref('search-v3', 0),
    ]);
  });

  const pool = ['search-v1', 'search-v2', 'search-v3', 'search-v4', 'search-v5'];
  const routes = fc
    .shuffledSubarray(pool, { minLength: 1 })
    .chain((vs) =>
      fc.tuple(
        ...vs.map((v) =>
          fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }).map((w) => ref(v, w)),
        ),
      ),
    );
  const befores = fc.option(routes, { nil: undefined });

  it('never names the withdrawn version, adds no ref and keeps every other ref and its share', () => {
    fc.assert(
      fc.property(routes, befores, (now, before) => {
        let out: unknown[];
        try {
          out = withdrawnBackendRefs(now, { ...opts, before });
        } catch {
          // Refused only when the version had weight and nothing else can take it.
          const rest = now.filter((r) => r.name !== 'search-v2');
          expect(total(now)).toBeGreaterThan(total(rest));
          expect(total(rest)).toBe(0);
          expect(names(rest)).not.toContain('search-v1');
          return;
        }
        expect(names(out)).not.toContain('search-v2');
        expect(names(out)).toEqual(names(now).filter((n) => n !== 'search-v2'));
        // Each version's share of the requests: the same as now, plus v2's for the stable version
        // (spread over the rest when the route has no ref to it). Cross-multiplied: weights are relative.
        const T = total(now);
        const O = total(out);
        const hasStable = names(now).includes('search-v1');
        const share = weightOf(now.find((r) => r.name === 'search-v2') ?? ref('x', 0));
        for (const r of out as Ref[]) {
          const was = weightOf(now.find((x) => x.name === r.name));
          const expected = r.name === 'search-v1' ? was + share : was;
          if (hasStable || share === 0) expect(weightOf(r) * T).toBe(expected * O);
          else expect(weightOf(r) * (T - share)).toBe(was * O);
        }
      }),
    );
  });

  it('without a saved copy to write back, other versions keep their refs and raw weights as they are', () => {
    fc.assert(
      fc.property(routes, (now) => {
        const rest = now.filter((r) => r.name !== 'search-v2');
        fc.pre(total(now) === total(rest) || total(rest) > 0 || rest.some((r) => r.name === 'search-v1'));
        const read = JSON.stringify(now);
        const out = withdrawnBackendRefs(now, opts) as Ref[];
        expect(out.filter((r) => r.name !== 'search-v1')).toEqual(rest.filter((r) => r.name !== 'search-v1'));
        expect(JSON.stringify(now)).toBe(read); // the refs read are not changed in place
      }),
    );
  });
});
