// The drafts service wired as app-core wires it (console handlers + drafts on one data folder),
// over the demo mesh's real API: draft, restart, meet someone else's change, merge or stop, apply.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import { createDraftsService } from '../../../main/core/drafts/drafts-service.ts';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DraftCalls } from '../../../main/core/handlers/drafts.ts';
import { draftHandlers } from '../../../main/core/handlers/drafts.ts';
import type { KubeApi } from '../../../main/core/kube-api.ts';
import { createKubeApi } from '../../../main/core/kube-api.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';
import type { ConflictResolution, DraftView } from '../../../shared/api/draft-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { JsonPatchOp } from '../../../shared/mesh/model/index.ts';
import { checkedDraftCalls, defaultIndex, defaultRoute, splitOf } from '../../helpers/drafts-contract.ts';

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};

let mesh: DemoMesh;
let api: KubeApi;
let dataDir: string;
let handlers: ReturnType<typeof createConsoleHandlers>;
const events: Array<{ event: EventName; payload: unknown }> = [];

function draftsService(): DraftCalls {
  return checkedDraftCalls(
    draftHandlers(
      createDraftsService({
        dataDir,
        emit: <E extends EventName>(event: E, payload: EventPayload<E>) => events.push({ event, payload }),
        draftBase: (contextId, releaseId) => handlers.draftBase(contextId, releaseId),
        liveObjects: (contextId, keys) => handlers.liveObjects(contextId, keys),
        reviewPlan: (p) => handlers.reviewPlan(p),
      }),
    ),
  );
}

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 0 });
  const kc = new KubeConfig();
  kc.loadFromString(mesh.kubeconfigYaml);
  kc.setCurrentContext('demo-admin');
  api = createKubeApi(createKubeHttpClient(kc));
  dataDir = await mkdtemp(join(tmpdir(), 'sy-drafts-service-'));
  handlers = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
  await handlers['sessions.open']({ contextId: 'demo' });
});

afterAll(async () => {
  await handlers?.dispose();
  await mesh?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Another operator's edit straight through the API, once the console's cache has seen it. */
async function otherOperator(edit: (i: number) => JsonPatchOp[]): Promise<void> {
  const vs = await api.get(vsRef);
  const after = await api.patch(vsRef, edit(defaultIndex(vs)));
  const ref = { resource: 'virtualservices' as const, namespace: 'bookinfo', name: 'reviews' };
  await handlers
    .session('demo')
    .cache?.waitForResourceVersion(ref, after.metadata.resourceVersion ?? '', 10_000);
}

/** The service's own rules kept as they are, with a new split. */
function desired(view: DraftView, split: Record<string, number>) {
  return {
    split: Object.entries(split).map(([version, weight]) => ({ version, weight })),
    rules: (view.release?.rules ?? []).map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
  };
}

async function draftOfReviews(name: string, split: Record<string, number>, drafts = draftsService()) {
  const created = await drafts['drafts.create']({ contextId: 'demo', releaseId: REVIEWS, name });
  return drafts['drafts.update']({ id: created.id, desired: desired(created, split) });
}

async function rejection(p: Promise<unknown>): Promise<ApiFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiFailure)) throw new Error(`expected an ApiFailure, got ${String(err)}`);
  return err;
}

describe('drafts against the demo mesh', () => {
  let retriesDraft: string;

  it('drafts a new reviews split from the cluster and still has it after a restart', async () => {
    const saved = await draftOfReviews('reviews 60/20/20', { v1: 60, v2: 20, v3: 20 });
    retriesDraft = saved.id;
    expect(saved).toMatchObject({
      contextId: 'demo',
      releaseId: REVIEWS,
      baseSource: 'cache',
      changedObjects: 1,
    });
    expect(saved.release?.versions.map((v) => [v.name, v.weight])).toEqual([
      ['v1', 60],
      ['v2', 20],
      ['v3', 20],
    ]);
    expect(saved.release?.versions[0]?.image).toMatch(/reviews/);
    expect(saved.release?.versions.every((v) => v.podsUnknown)).toBe(true);
    // A second service over the same data folder: what the app sees after a restart.
    const restarted = draftsService();
    const list = await restarted['drafts.list']({});
    expect(list.drafts.find((d) => d.id === saved.id)?.summary).toBe('v1 60%, v2 20%, v3 20%; 2 rules');
    expect((await restarted['drafts.get']({ id: saved.id })).diff[0]?.afterYaml).toContain('weight: 60');
  });

  it('merges a retries change made meanwhile, applies both and marks the draft applied', async () => {
    await otherOperator((i) => [
      { op: 'replace', path: `/spec/http/${i}/retries/perTryTimeout`, value: '3s' },
    ]);
    const drafts = draftsService();
    const cmp = await drafts['drafts.compare']({ id: retriesDraft });
    expect(cmp.ok).toBe(true);
    expect(cmp.objects.map((o) => [o.kind, o.outcome, o.liveChanged])).toEqual([
      ['VirtualService', 'merged', true],
    ]);
    expect(cmp.objects[0]?.mergedYaml).toContain('perTryTimeout: 3s');

    const plan = await drafts['drafts.plan']({ id: retriesDraft });
    expect(plan.steps.length).toBe(1);
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    const result = await handlers['release.apply']({ planId: plan.planId });
    expect(result.ok).toBe(true);

    const live = await api.get(vsRef);
    expect(splitOf(live)).toEqual({ v1: 60, v2: 20, v3: 20 });
    expect(defaultRoute(live).retries?.perTryTimeout).toBe('3s');
    const applied = await drafts['drafts.get']({ id: retriesDraft });
    expect(applied.applied?.historyId).toBe(result.historyId);
    expect(events.at(-1)).toEqual({ event: 'drafts.changed', payload: { ids: [retriesDraft] } });
  });

  it('stops on weights both sides moved, then keeps the cluster’s or applies the draft’s as resolved', async () => {
    const drafts = draftsService();
    const { id } = await draftOfReviews('reviews 50/30/20', { v1: 50, v2: 30, v3: 20 }, drafts);
    await otherOperator((i) => [
      { op: 'replace', path: `/spec/http/${i}/route/0/weight`, value: 70 },
      { op: 'replace', path: `/spec/http/${i}/route/1/weight`, value: 10 },
    ]);
    const i = defaultIndex(await api.get(vsRef));
    const paths = [0, 1].map((n) => `/spec/http/${i}/route/${n}/weight`);

    const cmp = await drafts['drafts.compare']({ id });
    expect(cmp.ok).toBe(false);
    expect(cmp.objects[0]?.outcome).toBe('conflict');
    expect(cmp.objects[0]?.conflicts).toEqual([
      { path: paths[0], baseYaml: '60\n', draftYaml: '50\n', liveYaml: '70\n' },
      { path: paths[1], baseYaml: '20\n', draftYaml: '30\n', liveYaml: '10\n' },
    ]);
    const refused = await rejection(drafts['drafts.plan']({ id }));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('VirtualService bookinfo/reviews');
    expect(refused.details).toMatchObject({ ok: false, draftId: id });

    const take = (t: 'draft' | 'live'): ConflictResolution[] =>
      paths.map((path) => ({
        kind: 'VirtualService',
        namespace: 'bookinfo',
        name: 'reviews',
        path,
        take: t,
      }));
    const keepLive = await drafts['drafts.plan']({ id, resolutions: take('live') });
    expect(keepLive.steps).toEqual([]);
    expect(keepLive.summary).toMatch(/^Nothing to change/);
    expect(splitOf(await api.get(vsRef))).toEqual({ v1: 70, v2: 10, v3: 20 });

    const plan = await drafts['drafts.plan']({ id, resolutions: take('draft') });
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    expect((await handlers['release.apply']({ planId: plan.planId })).ok).toBe(true);
    expect(splitOf(await api.get(vsRef))).toEqual({ v1: 50, v2: 30, v3: 20 });
    expect((await drafts['drafts.get']({ id })).applied).toBeDefined();
  });

  it('exports kubectl YAML that imports again, and edits the operator’s file keeping its comments', async () => {
    const drafts = draftsService();
    const draft = await draftOfReviews('reviews 90/5/5', { v1: 90, v2: 5, v3: 5 }, drafts);
    const yaml = await drafts['drafts.export']({ id: draft.id, format: 'kubectl-yaml' });
    expect(yaml.text).not.toContain('resourceVersion');
    const again = await drafts['drafts.import']({
      contextId: 'demo',
      namespace: 'bookinfo',
      files: [{ name: yaml.fileName, text: yaml.text }],
    });
    expect(again).toMatchObject({
      baseSource: 'yaml',
      releaseId: REVIEWS,
      summary: 'v1 90%, v2 5%, v3 5%; 2 rules',
    });

    const before = draft.diff[0]?.beforeYaml ?? '';
    const text = `# reviews routing, kept in git by team-reviews\n${before.replace('name: reviews\n', 'name: reviews # the service\n')}`;
    const edit = await drafts['drafts.export']({
      id: draft.id,
      format: 'file-edit',
      file: { name: 'reviews.yaml', text },
    });
    expect(edit).toMatchObject({
      fileName: 'reviews.yaml',
      edited: ['VirtualService bookinfo/reviews'],
      notInFile: [],
    });
    expect(edit.text).toContain('# reviews routing, kept in git by team-reviews');
    expect(edit.text).toContain('name: reviews # the service');
    expect(edit.text).toMatch(/weight: 90[\s\S]*weight: 5[\s\S]*weight: 5/);
  });
});
