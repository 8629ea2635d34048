// The outcome of an apply is the cluster's: when the change is live but its history line cannot be
// written (a full disk), the apply says "applied" with a warning, and the entry stays undoable in
// this session.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import { createHistoryStore } from '../../../main/core/history/history-store.ts';
import { undoChange } from '../../../main/core/history/history-undo.ts';
import { applyResultView } from '../../../main/core/views/plan-views.ts';
import { ApplyResultView } from '../../../shared/api/console-schemas.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { shares } from '../../helpers/shares.ts';
import { diskFullAfter } from '../local-files/disk-full.ts';
import { createMemoryKube, reviewsObjects } from './apply-memory-kube-api.ts';

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const drRef = { ...vsRef, kind: 'DestinationRule' };
const who = { context: 'demo', user: 'demo-admin' };
type Vs = { spec: { http: Array<{ route: Array<{ weight: number }> }> } };
const weights = (o: KubeObject | undefined) => (o as unknown as Vs).spec.http[0]?.route.map((r) => r.weight);

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('an apply whose history line cannot be written', () => {
  it('reports applied with a warning, and the change can still be undone this session', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-history-full-'));
    dirs.push(dir);
    const { vs, dr } = reviewsObjects();
    const kube = createMemoryKube([vs, dr]);
    const history = createHistoryStore({ dir, writeOptions: { writeData: diskFullAfter(0) } });
    const engine = createApplyEngine({ api: kube.api, verify: kube.verify, history, pauseMs: 0 });
    const objects = () => [kube.read(vsRef), kube.read(drRef)] as KubeObject[];
    const release = readIstioReleases(objects())[0]!;

    const result = await engine.apply({
      plan: planRelease(release, setSplit(release, shares({ v1: 50, v2: 50 })), objects()),
      ...who,
    });
    expect(weights(kube.read(vsRef))).toEqual([50, 50]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warning).toBe('applied; could not record history: ENOSPC: no space left on device, write');
    expect(result.historyId).toBeDefined();

    // The contract carries the warning to the page.
    const view = ApplyResultView.parse(applyResultView('p1', result));
    expect(view).toMatchObject({ ok: true, historyId: result.historyId, warning: result.warning });

    const undone = await undoChange({ api: kube.api, engine, history }, result.historyId ?? '', who);
    expect(undone.ok).toBe(true);
    expect(weights(kube.read(vsRef))).toEqual([90, 10]);
  });

  it('says so even when the recorder fails without keeping the entry', async () => {
    const { vs, dr } = reviewsObjects();
    const kube = createMemoryKube([vs, dr]);
    const history = {
      record: async () => {
        throw new Error('EROFS: read-only file system');
      },
    };
    const engine = createApplyEngine({ api: kube.api, verify: kube.verify, history, pauseMs: 0 });
    const objects = () => [kube.read(vsRef), kube.read(drRef)] as KubeObject[];
    const release = readIstioReleases(objects())[0]!;
    const result = await engine.apply({
      plan: planRelease(release, setSplit(release, shares({ v1: 30, v2: 70 })), objects()),
      ...who,
    });
    expect(result).toMatchObject({
      ok: true,
      warning: 'applied; could not record history: EROFS: read-only file system',
    });
    expect(result.ok && result.historyId).toBeFalsy();
    expect(weights(kube.read(vsRef))).toEqual([30, 70]);
  });
});
