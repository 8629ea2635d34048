import { describe, expect, it } from 'vitest';
import { desiredFromInput } from '../../../main/core/services/desired-release-input.ts';
import { previewRelease } from '../../../main/core/services/release-preview.ts';
import { mirrorAndStickyViews } from '../../../main/core/views/mirror-sticky-views.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import { DesiredReleaseInput } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../../shared/mesh/model/index.ts';
import { planRelease } from '../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';

const engine = re2Engine();
const objects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop', resourceVersion: '3' },
    spec: {
      hosts: ['reviews'],
      http: [
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 50 },
          ],
        },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop', resourceVersion: '1' },
    spec: { host: 'reviews', subsets: ['v1', 'v2'].map((name) => ({ name, labels: { version: name } })) },
  },
];
const split = [
  { version: 'v1', weight: 50 },
  { version: 'v2', weight: 50 },
];

describe('DesiredReleaseInput mirror and sticky', () => {
  it('takes a mirror with one decimal and a sticky option, and refuses anything else with a clear message', () => {
    expect(
      DesiredReleaseInput.safeParse({
        split,
        rules: [],
        mirror: { version: 'v2', percentage: 12.5 },
        sticky: { enabled: true, maxAgeSeconds: 600 },
      }).success,
    ).toBe(true);
    expect(DesiredReleaseInput.safeParse({ split, rules: [], mirror: null }).success).toBe(true);
    const bad = (extra: object) => {
      const r = DesiredReleaseInput.safeParse({ split, rules: [], ...extra });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(bad({ mirror: { version: 'v2', percentage: 12.34 } })).toEqual([
      'mirror.percentage: mirror.percentage takes at most one decimal (e.g. 12.5)',
    ]);
    expect(bad({ mirror: { version: 'v2', percentage: 101 } })[0]).toMatch(/from 0 to 100/);
    expect(bad({ mirror: { version: 'v2', percentage: 5, weight: 1 } })[0]).toMatch(/weight/);
    expect(bad({ sticky: { enabled: true, cookie: 'a;b' } })[0]).toMatch(/sticky.cookie must be/);
    expect(bad({ sticky: { enabled: true, maxAgeSeconds: 0.5 } })[0]).toMatch(/whole seconds/);
  });

  it('is carried through desiredFromInput to the plan and shows in the view and the preview', () => {
    const release = readIstioReleases(objects)[0]!;
    const input = {
      split,
      rules: [],
      mirror: { version: 'v2', percentage: 20 },
      sticky: { enabled: true },
    };
    const desired = desiredFromInput(release, input, engine);
    expect(desired.mirror).toEqual({ version: 'v2', percentage: 20 });
    expect(desired.sticky).toEqual({ cookie: 'sy-version', maxAgeSeconds: 86400 });
    const plan = planRelease(release, desired, objects);
    const after = objects.map((o) =>
      o.kind === 'VirtualService' ? applyJsonPatch(o, plan.steps[0]!.patch) : o,
    );
    const read = readIstioReleases(after)[0]!;
    expect(mirrorAndStickyViews(read)).toEqual({
      mirror: { version: 'v2', percentage: 20 },
      sticky: { cookie: 'sy-version', maxAgeSeconds: 86400, versions: ['v1', 'v2'] },
    });
    const preview = previewRelease({
      release,
      input,
      objects,
      engine,
      requests: Array.from({ length: 100 }, () => ({ path: '/' })),
      source: 'demo',
    });
    expect(preview.pinned?.reduce((n, p) => n + p.count, 0)).toBe(100);
    expect(preview.mirrored).toEqual([{ version: 'v2', count: 20, share: expect.closeTo(0.2) }]);
  });

  it('answers invalid-request for an edit the release cannot take', () => {
    const release = readIstioReleases(objects)[0]!;
    expect(() =>
      desiredFromInput(release, { split, rules: [], mirror: { version: 'v9', percentage: 5 } }, engine),
    ).toThrow(ApiFailure);
  });
});
