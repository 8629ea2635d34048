import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../main/core/app-core.ts';
import type { DraftsService } from '../../../main/core/drafts/drafts-service.ts';
import { createDraftsService } from '../../../main/core/drafts/drafts-service.ts';
import { FleetPlanView } from '../../../shared/api/fleet-schemas.ts';
import { apiClient, type LooseJson } from '../demo/demo-api-client.ts';
import {
  type FleetHarness,
  REVIEWS_HOST,
  reviewsCatchAll,
  reviewsSpec,
  runUntil,
  startFleetHarness,
  VS_PATH,
} from './fleet-harness.ts';

// A saved draft as a fleet's change (issue 14, item 4): the draft is made from demo-eu-1's reviews
// (its base), and fleet.plan three-way merges it with each cluster's live objects. demo-us-1's
// reviews split differs in the seed, so it is first put back to the base's; then, after the draft
// was made, someone edits the same weights in demo-us-1 (a conflict there) and an unrelated field
// (the catch-all route's timeout, 10s in the seed) in demo-ap-1 (merged).

const SEED_SPLIT = 'v1=80,v2=10,v3=10';
const DRAFT_SPLIT = 'v1=50,v2=50,v3=0';

let h: FleetHarness;
let drafts: DraftsService;

beforeAll(async () => {
  h = await startFleetHarness(3, {
    requestsPerSecond: 0,
    fleet: { drafts: (draftId) => drafts.forFleet(draftId) },
  });
  drafts = createDraftsService({
    dataDir: mkdtempSync(join(tmpdir(), 'sy-fleet-drafts-')),
    emit: () => {},
    draftBase: (contextId, releaseId) => h.handlers.draftBase(contextId, releaseId),
    liveObjects: (contextId, keys) => h.handlers.liveObjects(contextId, keys),
    reviewPlan: (p) => h.handlers.reviewPlan(p),
  });
});
afterAll(() => h?.dispose());

/** Another operator's JSON Patch of cluster i's reviews VirtualService, once the console's cache has it. */
async function editReviews(i: number, ops: (defaultIndex: number) => LooseJson[]): Promise<void> {
  const cluster = h.fleet.clusters[i];
  if (!cluster) throw new Error(`no cluster ${i}`);
  const spec = await reviewsSpec(h, i);
  const index = (spec.http as LooseJson[]).findIndex((r) => r.name === 'default');
  const res = await apiClient(cluster.mesh)('PATCH', VS_PATH, ops(index), 'application/json-patch+json');
  expect(res.status, res.text).toBe(200);
  const ref = { resource: 'virtualservices' as const, namespace: 'bookinfo', name: 'reviews' };
  await h.handlers
    .session(h.contexts[i] ?? '')
    .cache?.waitForResourceVersion(ref, res.json.metadata.resourceVersion, 10_000);
}

const weights = (w: number[]) => (d: number) =>
  w.map((value, k) => ({ op: 'replace', path: `/spec/http/${d}/route/${k}/weight`, value }));

describe('a draft applied to a fleet, merged per cluster', () => {
  let draftId: string;

  it('starts from demo-eu-1’s reviews, with demo-us-1 put back to the same split', async () => {
    const view = await h.handlers['fleet.view']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
    });
    expect(view.clusters.every((c) => c.reachable)).toBe(true);
    await editReviews(1, weights([80, 10, 10]));
    for (const i of [0, 1, 2]) expect(await reviewsCatchAll(h, i)).toBe(SEED_SPLIT);
    const releaseId = view.services[0]?.rows[0]?.releaseId ?? '';
    const created = await drafts.create({ contextId: h.contexts[0] ?? '', releaseId, name: 'reviews 50/50' });
    const rules = (created.release?.rules ?? []).map((r) => ({
      id: r.id,
      version: r.version,
      enabled: r.enabled,
    }));
    const split = [
      { version: 'v1', weight: 50 },
      { version: 'v2', weight: 50 },
      { version: 'v3', weight: 0 },
    ];
    draftId = (await drafts.update({ id: created.id, desired: { split, rules } })).id;
  });

  it('plans each cluster with its own merge: clean, a named conflict, and a merge with an unrelated change', async () => {
    await editReviews(1, weights([60, 30, 10]));
    await editReviews(2, (d) => [{ op: 'add', path: `/spec/http/${d}/timeout`, value: '7s' }]);
    const plan = await h.handlers['fleet.plan']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      change: { kind: 'draft', draftId },
      canary: h.contexts[0],
      holdSeconds: 0,
      gate: false,
    });
    expect(FleetPlanView.parse(plan)).toEqual(plan);
    expect(plan.change).toBe('draft “reviews 50/50”: v1 50%, v2 50%, v3 0%; 2 rules');
    const [eu, us, ap] = plan.clusters;
    expect(plan.waves).toEqual([[h.contexts[0]], [h.contexts[2]]]);
    expect(eu?.plan?.steps.length).toBe(1);
    expect(eu?.plan?.steps.every((s) => s.dryRun.ok)).toBe(true);
    expect(us?.plan).toBeUndefined();
    expect(us?.skipped?.kind).toBe('conflict');
    expect(us?.skipped?.reason).toContain(`${h.contexts[1]} has a conflicting live change`);
    expect(us?.skipped?.reason).toMatch(
      /VirtualService bookinfo\/reviews at \/spec\/http\/\d+\/route\/0\/weight/,
    );
    expect(ap?.plan?.steps.length).toBe(1);
    expect(ap?.plan?.steps[0]?.description).toContain('merged with changes made in the cluster');

    const started = await h.handlers['fleet.apply']({ fleetPlanId: plan.fleetPlanId });
    const done = await runUntil(h, started.runId, ['completed', 'stopped']);
    expect(done.stopReason).toBeUndefined();
    expect(done.clusters.map((c) => c.state)).toEqual(['applied', 'skipped', 'applied']);
    expect(await reviewsCatchAll(h, 0)).toBe(DRAFT_SPLIT);
    expect(await reviewsCatchAll(h, 1)).toBe('v1=60,v2=30,v3=10');
    expect(await reviewsCatchAll(h, 2)).toBe(DRAFT_SPLIT);
    const apDefault = ((await reviewsSpec(h, 2)).http as LooseJson[]).find((r) => r.name === 'default');
    expect(apDefault.timeout).toBe('7s');
    const euDefault = ((await reviewsSpec(h, 0)).http as LooseJson[]).find((r) => r.name === 'default');
    expect(euDefault.timeout).toBe('10s');
  });

  it('plans nothing to change where the cluster already has the draft', async () => {
    const plan = await h.handlers['fleet.plan']({
      contexts: [h.contexts[0] ?? '', h.contexts[2] ?? ''],
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      change: { kind: 'draft', draftId },
      holdSeconds: 0,
      gate: false,
    });
    for (const c of plan.clusters) {
      expect(c.skipped).toBeUndefined();
      expect(c.plan?.steps).toEqual([]);
      expect(c.plan?.summary).toContain('Nothing to change');
    }
  });

  it('refuses a draft of another service, and an unknown draft, by name', async () => {
    const other = {
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: 'ratings.bookinfo.svc.cluster.local',
      change: { kind: 'draft' as const, draftId },
    };
    await expect(h.handlers['fleet.plan'](other)).rejects.toThrow(
      /draft “reviews 50\/50” is for reviews\.bookinfo\.svc\.cluster\.local in bookinfo, not ratings/,
    );
    await expect(
      h.handlers['fleet.plan']({ ...other, host: REVIEWS_HOST, change: { kind: 'draft', draftId: 'nope' } }),
    ).rejects.toThrow(/no draft 'nope'/);
  });
});

describe('the app core wires the drafts service into fleet.plan', () => {
  it('plans a draft made through drafts.create for the fleet (nothing to change where the cluster has it)', async () => {
    const core = createAppCore({
      mode: 'web',
      version: '0.0.0-test',
      dataDir: mkdtempSync(join(tmpdir(), 'sy-fleet-drafts-core-')),
      env: { KUBECONFIG: h.fleet.kubeconfigPath },
      startDemo: async () => {
        throw new Error('no demo in this test');
      },
    });
    try {
      const contexts = [h.contexts[0] ?? ''];
      const view = await core.handlers['fleet.view']({ contexts, namespace: 'bookinfo', host: REVIEWS_HOST });
      const releaseId = view.services[0]?.rows[0]?.releaseId ?? '';
      const draft = await core.handlers['drafts.create']({
        contextId: contexts[0] ?? '',
        releaseId,
        name: 'as is',
      });
      const plan = await core.handlers['fleet.plan']({
        contexts,
        namespace: 'bookinfo',
        host: REVIEWS_HOST,
        change: { kind: 'draft', draftId: draft.id },
        holdSeconds: 0,
        gate: false,
      });
      expect(plan.change).toMatch(/^draft “as is”: /);
      expect(plan.clusters[0]?.plan?.steps).toEqual([]);
    } finally {
      await core.dispose();
    }
  });
});
