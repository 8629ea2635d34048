import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import {
  compileVirtualService,
  previewTraffic,
  routeMirrors,
  sideEffectShares,
} from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject, VirtualService } from '../../../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../../../shared/mesh/model/index.ts';
import { planRelease, setMirror, setSplit, setSticky } from '../../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

const engine = re2Engine();
const dest = (subset: string, weight: number) => ({ destination: { host: 'reviews', subset }, weight });

function objects(http: unknown[]): KubeObject[] {
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default', resourceVersion: '1' },
      spec: { hosts: ['reviews'], http },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'default', resourceVersion: '1' },
      spec: { host: 'reviews', subsets: ['v1', 'v2'].map((name) => ({ name, labels: { version: name } })) },
    },
  ];
}

function applied(
  objs: KubeObject[],
  edit: (r: ReturnType<typeof readReleases>[0]) => Parameters<typeof planRelease>[1],
) {
  const r = readReleases(objs)[0]!;
  const plan = planRelease(r, edit(r), objs);
  return objs.map((o) => {
    const step = plan.steps.find((s) => s.target.kind === o.kind);
    return step ? applyJsonPatch(o, step.patch) : o;
  });
}

describe('mirrors and cookies in the evaluator', () => {
  it('reads both mirror forms, with 100% when no percentage is given', () => {
    expect(
      routeMirrors({
        mirror: { host: 'a' },
        mirrors: [{ destination: { host: 'b', subset: 'v2' }, percentage: { value: 12.5 } }],
      }),
    ).toEqual([
      { destination: { host: 'a' }, percentage: 100 },
      { destination: { host: 'b', subset: 'v2' }, percentage: 12.5 },
    ]);
    expect(routeMirrors({ mirror: { host: 'a' }, mirrorPercentage: { value: 5 } })[0]!.percentage).toBe(5);
  });

  it('a routed outcome carries the route mirrors; the preview counts the expected copies', () => {
    const objs = applied(objects([{ route: [dest('v1', 100), dest('v2', 0)] }]), (r) =>
      setMirror(r, { version: 'v2', percentage: 20 }),
    );
    const router = compileVirtualService(objs[0] as VirtualService, { engine });
    const o = router.route({ path: '/' }, 0.5);
    expect(o).toMatchObject({ kind: 'route', version: 'v1', mirrors: [{ percentage: 20 }] });
    const sample = Array.from({ length: 50 }, () => ({ path: '/' }));
    const { outcomes } = previewTraffic(router, sample);
    const [copies] = sideEffectShares(outcomes).mirrored;
    expect(copies?.version).toBe('v2');
    expect(copies?.count).toBeCloseTo(10);
  });

  it('with sticky on, first visits are pinned by the split and a returning cookie wins over the weights', () => {
    const objs = applied(objects([{ route: [dest('v1', 90), dest('v2', 10)] }]), (r) =>
      setSticky(
        setSplit(r, [
          { version: 'v1', weight: 50 },
          { version: 'v2', weight: 50 },
        ]),
      ),
    );
    const router = compileVirtualService(objs[0] as VirtualService, { engine });
    const sample = Array.from({ length: 400 }, () => ({ path: '/' }));
    const { outcomes } = previewTraffic(router, sample, { seed: 3 });
    const pinned = Object.fromEntries(sideEffectShares(outcomes).pinned.map((p) => [p.version, p.count]));
    expect(pinned.v1! + pinned.v2!).toBe(400);
    expect(pinned.v2).toBeGreaterThan(150);
    for (const random of [0, 0.3, 0.6, 0.99]) {
      const back = router.route(
        { path: '/', headers: { cookie: 'session=1; sy-version=v2; theme=dark' } },
        random,
      );
      expect(back).toMatchObject({ kind: 'route', version: 'v2', ruleName: 'sy-sticky-v2' });
      // A returning user's answer sets no new cookie: the sticky rule has no headers.
      expect(back.kind === 'route' ? back.setCookie : 'not routed').toBeUndefined();
      const other = router.route({ path: '/', headers: { cookie: 'sy-version=v20' } }, random);
      expect(other.kind === 'route' && other.ruleName).toBeUndefined();
    }
  });
});
