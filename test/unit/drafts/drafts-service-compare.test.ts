// The drafts service over a fake console: comparing with the cluster and planning the apply.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DraftCalls } from '../../../main/core/handlers/drafts.ts';
import type { ExternalPlan } from '../../../main/core/services/console-services.ts';
import type { ConflictResolution } from '../../../shared/api/draft-schemas.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone } from '../../../shared/mesh/model/index.ts';
import type { FakeConsole } from './drafts-service-fakes.ts';
import { failure, fakeConsole, RELEASE, split, W } from './drafts-service-fakes.ts';

let f: FakeConsole;
let drafts: DraftCalls;
beforeEach(async () => {
  f = await fakeConsole();
  drafts = f.service();
});
afterEach(() => f.dispose());

describe('comparing and planning against the cluster', () => {
  async function canary(v1 = 70, v2 = 30) {
    const { id } = await drafts['drafts.create']({ contextId: 'prod', releaseId: RELEASE });
    await drafts['drafts.update']({ id, desired: split(v1, v2) });
    return id;
  }

  it('says clearly that comparing needs the cluster when it is offline', async () => {
    const id = await canary();
    f.offline = true;
    const err = await failure(drafts['drafts.compare']({ id }));
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/needs context 'prod' connected: context 'prod' is not-connected/);
  });

  it('merges a live change elsewhere, plans it guarded by the live resourceVersion and marks the draft applied', async () => {
    const id = await canary();
    f.liveEdit([{ op: 'replace', path: '/spec/http/1/timeout', value: '4s' }]);
    const cmp = await drafts['drafts.compare']({ id });
    expect(cmp.ok).toBe(true);
    expect(cmp.objects).toEqual([
      expect.objectContaining({
        kind: 'VirtualService',
        outcome: 'merged',
        liveChanged: true,
        conflicts: [],
      }),
    ]);
    expect(cmp.objects[0]?.mergedYaml).toMatch(/timeout: 4s[\s\S]*weight: 70/);
    await drafts['drafts.plan']({ id });
    const p = f.reviewed[0] as ExternalPlan;
    expect(p.releaseId).toBe(RELEASE);
    expect(p.plan.steps.map((s) => s.id)).toEqual(['update-route']);
    expect(p.plan.steps[0]?.patch?.[0]).toEqual({
      op: 'test',
      path: '/metadata/resourceVersion',
      value: '200',
    });
    await p.onApplied?.('hist-1');
    const view = await drafts['drafts.get']({ id });
    expect(view.applied).toEqual({ at: '2026-03-04T05:06:07.000Z', historyId: 'hist-1' });
    expect(f.events.at(-1)).toEqual({ event: 'drafts.changed', payload: { ids: [id] } });
  });

  it('stops on weights both sides moved, showing the three values, until each is resolved', async () => {
    const id = await canary();
    f.liveEdit([
      { op: 'replace', path: W(0), value: 80 },
      { op: 'replace', path: W(1), value: 20 },
    ]);
    const cmp = await drafts['drafts.compare']({ id });
    expect(cmp.ok).toBe(false);
    expect(cmp.objects[0]?.conflicts).toEqual([
      { path: W(0), baseYaml: '90\n', draftYaml: '70\n', liveYaml: '80\n' },
      { path: W(1), baseYaml: '10\n', draftYaml: '30\n', liveYaml: '20\n' },
    ]);
    const refused = await failure(drafts['drafts.plan']({ id }));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain(`VirtualService shop/reviews at ${W(0)}, ${W(1)}`);
    expect(refused.details).toMatchObject({ ok: false, draftId: id });
    expect(f.reviewed).toEqual([]);

    const take = (t: 'draft' | 'live'): ConflictResolution[] =>
      [0, 1].map((i) => ({
        kind: 'VirtualService',
        namespace: 'shop',
        name: 'reviews',
        path: W(i),
        take: t,
      }));
    await drafts['drafts.plan']({ id, resolutions: take('draft') });
    const after = run(f.reviewed[0] as ExternalPlan);
    expect([getW(after, 0), getW(after, 1)]).toEqual([70, 30]);
    await drafts['drafts.plan']({ id, resolutions: take('live') });
    expect(f.reviewed[1]?.plan.steps).toEqual([]);
    expect(f.reviewed[1]?.summary).toMatch(/^Nothing to change/);
    const wrong = await failure(
      drafts['drafts.plan']({ id, resolutions: [{ ...take('live')[0]!, path: '/spec/hosts' }] }),
    );
    expect(wrong.code).toBe('invalid-request');
    expect(wrong.message).toMatch(/\/spec\/hosts is not a conflict/);
  });

  function run(p: ExternalPlan): KubeObject {
    const vs = f.live.get('VirtualService/shop/reviews') as KubeObject;
    return p.plan.steps.reduce((o, s) => applyJsonPatch(o, s.patch ?? []), deepClone(vs));
  }
  const getW = (vs: KubeObject, i: number) =>
    (vs.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http[1]?.route[i]?.weight;
});
