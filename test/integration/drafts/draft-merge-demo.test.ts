// A draft made from the demo mesh's live objects, then someone else edits the live VirtualService:
// a change elsewhere merges and applies; a change to the weights the draft moved stops with both sides.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import { draftObjects, editDraft, startDraft } from '../../../main/core/drafts/draft-objects.ts';
import type { DraftStore } from '../../../main/core/drafts/draft-store.ts';
import { createDraftStore } from '../../../main/core/drafts/draft-store.ts';
import type { KubeApi } from '../../../main/core/kube-api.ts';
import { createKubeApi } from '../../../main/core/kube-api.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { mergeObjects } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { setSplit } from '../../../shared/mesh/plan/index.ts';
import { defaultIndex, httpOf, splitOf } from '../../helpers/drafts-contract.ts';

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};

let demo: DemoMesh;
let api: KubeApi;
let dir: string;
let store: DraftStore;
beforeAll(async () => {
  demo = await startDemoMesh({ requestsPerSecond: 0, podReadyDelayMs: 50 });
  const kc = new KubeConfig();
  kc.loadFromString(demo.kubeconfigYaml);
  kc.setCurrentContext('demo-admin');
  api = createKubeApi(createKubeHttpClient(kc));
  dir = await mkdtemp(join(tmpdir(), 'switchyard-drafts-demo-'));
  store = createDraftStore({ dir });
});
afterAll(async () => {
  await demo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function liveRouting(): Promise<KubeObject[]> {
  return [
    ...(await api.list('networking.istio.io/v1', 'VirtualService', 'bookinfo')),
    ...(await api.list('networking.istio.io/v1', 'DestinationRule', 'bookinfo')),
  ];
}

/** A draft from the live objects moving the reviews split, saved and read back as the app would. */
async function draftFromLive(id: string, split: Record<string, number>) {
  const started = startDraft({
    id,
    name: `reviews ${JSON.stringify(split)}`,
    context: 'demo-admin',
    namespace: 'bookinfo',
    host: 'reviews',
    source: 'cache',
    objects: await liveRouting(),
    now: new Date(),
  });
  const shares = Object.entries(split).map(([version, weight]) => ({ version, weight }));
  await store.save(editDraft(started, (d) => setSplit(d, shares)));
  const draft = await store.get(id);
  if (!draft) throw new Error('the saved draft is missing');
  return draft;
}

/** Another operator's edit, straight through the API. */
async function otherOperator(edit: (vs: KubeObject, i: number) => Parameters<KubeApi['patch']>[1]) {
  const vs = await api.get(vsRef);
  await api.patch(vsRef, edit(vs, defaultIndex(vs)));
}

describe('a draft meeting the live demo mesh', () => {
  it('merges a live change to a field the draft did not touch (retries) and applies both', async () => {
    const draft = await draftFromLive('retries-elsewhere', { v1: 60, v2: 20, v3: 20 });
    await otherOperator((_vs, i) => [
      { op: 'replace', path: `/spec/http/${i}/retries/perTryTimeout`, value: '3s' },
    ]);

    const result = mergeObjects(draft.base.objects, draftObjects(draft), await liveRouting());
    expect(result.ok).toBe(true);
    const vs = result.objects.find((o) => o.key.kind === 'VirtualService' && o.key.name === 'reviews');
    if (vs?.outcome !== 'merged') throw new Error(`expected the VirtualService merged, got ${vs?.outcome}`);
    expect(result.objects.filter((o) => o.outcome === 'merged')).toHaveLength(1);

    await api.patch(vsRef, vs.patch);
    const after = await api.get(vsRef);
    expect(splitOf(after)).toEqual({ v1: 60, v2: 20, v3: 20 });
    expect(httpOf(after)[defaultIndex(after)]?.retries?.perTryTimeout).toBe('3s');
  });

  it('stops on a live change to a weight the draft moved, showing base, draft and live values', async () => {
    const draft = await draftFromLive('weights-clash', { v1: 50, v2: 25, v3: 25 });
    const baseSplit = splitOf(
      draft.base.objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'reviews')!,
    );
    await otherOperator((_vs, i) => [
      { op: 'replace', path: `/spec/http/${i}/route/0/weight`, value: 70 },
      { op: 'replace', path: `/spec/http/${i}/route/1/weight`, value: 10 },
    ]);
    const liveBefore = await api.get(vsRef);

    const result = mergeObjects(draft.base.objects, draftObjects(draft), await liveRouting());
    expect(result.ok).toBe(false);
    const vs = result.objects.find((o) => o.key.kind === 'VirtualService' && o.key.name === 'reviews');
    if (vs?.outcome !== 'conflict') throw new Error(`expected a conflict, got ${vs?.outcome}`);
    const i = defaultIndex(liveBefore);
    expect(vs.conflicts).toEqual([
      { path: `/spec/http/${i}/route/0/weight`, base: baseSplit.v1, ours: 50, theirs: 70 },
      { path: `/spec/http/${i}/route/1/weight`, base: baseSplit.v2, ours: 25, theirs: 10 },
    ]);
    // Nothing was written: the live object is as the other operator left it.
    expect((await api.get(vsRef)).metadata.resourceVersion).toBe(liveBefore.metadata.resourceVersion);
  });
});
