// An HTTPRoute release through the console calls, against the demo mesh's `catalog` route in the
// Gateway API namespace `storefront` (GAMMA: parent Service catalog; a header rule and a query rule
// to catalog-v2; catch-all catalog-v1 90 / catalog-v2 10): versions from the backend Services, a
// split written in the operator's scale, content rules as HTTPRoute matches, cut-over, rollback,
// effective share and history; undo gives back the HTTPRoute exactly each time.

import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';
import type { HistoryEntryView, ReleaseView } from '../../../shared/api/console-schemas.ts';
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

const CATALOG = 'gateway-api:storefront/catalog';
const ROUTE_PATH = '/apis/gateway.networking.k8s.io/v1/namespaces/storefront/httproutes/catalog';

let mesh: DemoMesh;
let h: ReturnType<typeof createConsoleHandlers>;
const recorded: HistoryEntryView[] = [];
const changed: ReleaseView[] = [];
/** Each release.changed and services.changed event, in the order main emitted them. */
const order: Array<{ event: 'release.changed' | 'services.changed'; ids: string[] }> = [];

/** One call to the demo's API server as its admin (as kubectl would), outside the app. */
function kube(path: string, method = 'GET', body?: unknown): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, mesh.url),
      {
        method,
        headers: {
          Authorization: `Bearer ${mesh.tokens.admin}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(mesh.caCert ? { ca: mesh.caCert } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          (res.statusCode ?? 500) < 300 ? resolve(JSON.parse(text) as KubeObject) : reject(new Error(text)),
        );
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** The HTTPRoute as the demo's API server has it (not the app's cache). */
const getRoute = () => kube(ROUTE_PATH);

type Rule = {
  matches?: Array<Record<string, unknown>>;
  backendRefs: Array<{ name: string; port?: number; weight?: number }>;
};
const rulesOf = (r: KubeObject) => (r.spec as { rules: Rule[] }).rules;
const catchAllOf = (r: KubeObject) => rulesOf(r).find((x) => x.matches === undefined);
const weightsOf = (r: KubeObject) =>
  Object.fromEntries((catchAllOf(r)?.backendRefs ?? []).map((b) => [b.name, b.weight ?? 1]));
/** What can be compared across writes: the spec and the annotations (not resourceVersion). */
const comparable = (r: KubeObject) => ({ spec: r.spec, annotations: r.metadata.annotations ?? {} });

async function applyPlan(planId: string) {
  const r = await h['release.apply']({ planId });
  expect(r.ok, JSON.stringify(r.error)).toBe(true);
  return r;
}

async function undo(historyId: string) {
  const plan = await h['history.undo']({ entryId: historyId });
  expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
  await applyPlan(plan.planId);
}

async function planSplit(
  split: Record<string, number>,
  rules?: Parameters<(typeof h)['release.plan']>[0]['desired']['rules'],
) {
  const view = await h['release.get']({ contextId: 'demo', releaseId: CATALOG });
  return h['release.plan']({
    contextId: 'demo',
    releaseId: CATALOG,
    desired: {
      split: view.versions.map((v) => ({ version: v.name, weight: split[v.name] ?? 0 })),
      rules: rules ?? view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
    },
  });
}

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 5 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-gateway-api-'));
  h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (event === 'history.recorded') recorded.push(payload as HistoryEntryView);
      if (event === 'release.changed') {
        changed.push(payload as ReleaseView);
        order.push({ event, ids: [(payload as ReleaseView).releaseId] });
      }
      if (event === 'services.changed')
        order.push({
          event,
          ids: (payload as EventPayload<'services.changed'>).upserts.map((u) => u.releaseId),
        });
    },
    demoKubeconfig: () => mesh.kubeconfigPath,
    demoRequests: demoSampleRequests,
    pauseMs: 10,
  });
  await h['sessions.open']({ contextId: 'demo' });
});

afterAll(async () => {
  await h?.dispose();
  await mesh?.stop();
});

describe('the catalog HTTPRoute release, against the demo mesh', () => {
  it('shows versions from the backend Services with their pods, images and raw weights, and the rules as matches', async () => {
    const view = await h['release.get']({ contextId: 'demo', releaseId: CATALOG });
    expect(view.flavor).toBe('gateway-api');
    const byName = Object.fromEntries(view.versions.map((v) => [v.name, v]));
    expect(Object.keys(byName).sort()).toEqual(['catalog-v1', 'catalog-v2']);
    expect([byName['catalog-v1']?.weight, byName['catalog-v1']?.rawWeight]).toEqual([90, 90]);
    expect([byName['catalog-v2']?.weight, byName['catalog-v2']?.rawWeight]).toEqual([10, 10]);
    expect(byName['catalog-v1']?.image).toMatch(/catalog/);
    expect(byName['catalog-v1']?.podsTotal).toBeGreaterThan(0);
    expect(byName['catalog-v1']?.deployments).toEqual(['catalog-v1']);
    expect(view.rules.map((r) => [r.version, r.enabled])).toEqual([
      ['catalog-v2', true],
      ['catalog-v2', true],
    ]);
    expect(view.lint.filter((f) => f.code === 'SY170')).toEqual([]);
  });

  it("writes a new split in the route's own scale, records it, and undo restores the route exactly", async () => {
    const before = await getRoute();
    const plan = await planSplit({ 'catalog-v1': 75, 'catalog-v2': 25 });
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    const applied = await applyPlan(plan.planId);
    expect(weightsOf(await getRoute())).toEqual({ 'catalog-v1': 75, 'catalog-v2': 25 });
    const history = await h['history.list']({ contextId: 'demo', releaseId: CATALOG });
    expect(history.entries[0]?.id).toBe(applied.historyId);
    expect(history.entries[0]?.undoable).toBe(true);
    await undo(applied.historyId!);
    expect(comparable(await getRoute())).toEqual(comparable(before));
  });

  it('adds a cookie rule as a header RegularExpression match, reads it back, and undo removes it', async () => {
    const before = await getRoute();
    const view = await h['release.get']({ contextId: 'demo', releaseId: CATALOG });
    const plan = await planSplit({ 'catalog-v1': 90, 'catalog-v2': 10 }, [
      ...view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
      {
        version: 'catalog-v2',
        enabled: true,
        conditions: [[{ kind: 'cookie', name: 'group', op: 'exact', value: 'beta' }]],
      },
    ]);
    const applied = await applyPlan(plan.planId);
    const added = rulesOf(await getRoute()).filter((r) => r.matches !== undefined)[2];
    expect(added?.backendRefs.map((b) => b.name)).toEqual(['catalog-v2']);
    expect(added?.matches).toEqual([
      {
        headers: [
          { name: 'cookie', type: 'RegularExpression', value: expect.stringContaining('group=beta') },
        ],
      },
    ]);
    const after = await h['release.get']({ contextId: 'demo', releaseId: CATALOG });
    expect(after.rules).toHaveLength(3);
    await undo(applied.historyId!);
    expect(comparable(await getRoute())).toEqual(comparable(before));
  });

  it('switches all traffic to catalog-v2 (its rules already send there), and undo restores the route exactly', async () => {
    const before = await getRoute();
    const change = await h['release.allTraffic']({
      contextId: 'demo',
      releaseId: CATALOG,
      version: 'catalog-v2',
      rules: 'keep',
      purpose: 'switch',
    });
    expect(change.rules.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    const applied = await applyPlan(change.plan.planId);
    expect(weightsOf(await getRoute())).toEqual({ 'catalog-v1': 0, 'catalog-v2': 100 });
    expect(recorded.find((e) => e.id === applied.historyId)?.summary).toMatch(/switch all traffic/);
    await undo(applied.historyId!);
    expect(comparable(await getRoute())).toEqual(comparable(before));
  });

  it('rolls back to catalog-v1 after a switch to catalog-v2, retargeting the rules; undoing both gives back the original', async () => {
    const original = await getRoute();
    const all = (version: string, rules: 'keep' | 'retarget', purpose: 'switch' | 'rollback') =>
      h['release.allTraffic']({ contextId: 'demo', releaseId: CATALOG, version, rules, purpose });
    const toV2 = await applyPlan((await all('catalog-v2', 'keep', 'switch')).plan.planId);
    const back = await all('catalog-v1', 'retarget', 'rollback');
    expect(back.restores).toMatch(
      /catalog-v1 takes all of .*traffic again, as before catalog-v2 took it over/,
    );
    expect(back.rules.map((r) => [r.from, r.outcome])).toEqual([
      ['catalog-v2', 'retargeted'],
      ['catalog-v2', 'retargeted'],
    ]);
    expect(back.drained).toEqual(['catalog-v2']);
    const rolledBack = await applyPlan(back.plan.planId);
    const after = await getRoute();
    expect(
      rulesOf(after).map((r) => r.backendRefs.filter((b) => (b.weight ?? 1) > 0).map((b) => b.name)),
    ).toEqual([['catalog-v1'], ['catalog-v1'], ['catalog-v1']]);
    expect(rulesOf(after).map((r) => r.matches)).toEqual(rulesOf(original).map((r) => r.matches));
    expect(recorded.find((e) => e.id === rolledBack.historyId)?.summary).toMatch(/roll back to catalog-v1/);
    await undo(rolledBack.historyId!);
    await undo(toV2.historyId!);
    expect(comparable(await getRoute())).toEqual(comparable(original));
  });

  it('refuses to disable rules on an HTTPRoute with a clear error, writing nothing', async () => {
    const before = await getRoute();
    await expect(
      h['release.allTraffic']({
        contextId: 'demo',
        releaseId: CATALOG,
        version: 'catalog-v1',
        rules: 'disable',
        purpose: 'rollback',
      }),
    ).rejects.toThrow(/disabling rules is supported on VirtualServices only/);
    expect(comparable(await getRoute())).toEqual(comparable(before));
  });

  it('previews the effective share: the header and query rules send catalog-v2 more than its 10% weight', async () => {
    const view = await h['release.get']({ contextId: 'demo', releaseId: CATALOG });
    const preview = await h['release.preview']({
      contextId: 'demo',
      releaseId: CATALOG,
      desired: {
        split: view.versions.map((v) => ({ version: v.name, weight: v.weight })),
        rules: view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
      },
      sample: {
        jsonl: [
          ...Array.from({ length: 10 }, () => '{"path":"/items","headers":{"x-canary":"always"}}'),
          ...Array.from({ length: 10 }, () => '{"path":"/items?beta=1"}'),
          ...Array.from({ length: 80 }, () => '{"path":"/items"}'),
        ].join('\n'),
      },
    });
    const v2 = preview.versions.find((v) => v.version === 'catalog-v2');
    expect(v2?.viaRules).toBeCloseTo(0.2, 9);
    expect(v2?.viaCatchAll).toBeCloseTo(0.08, 9);
  });
});

describe('mixed and ambient meshes in the demo', () => {
  it('shows the ambient accounts route as applied by the ledger waypoint (SY172)', async () => {
    const view = await h['release.get']({ contextId: 'demo', releaseId: 'gateway-api:ledger/accounts' });
    const found = view.lint.filter((f) => f.code === 'SY172');
    expect(found.map((f) => f.severity)).toEqual(['info']);
    expect(found[0]?.message).toMatch(/^applied by waypoint waypoint /);
  });

  it('shows SY170 on the open catalog view once a VirtualService routes its host too, and not after it is gone', async () => {
    await h['release.get']({ contextId: 'demo', releaseId: CATALOG });
    changed.length = 0;
    const vsPath = '/apis/networking.istio.io/v1/namespaces/storefront/virtualservices';
    await kube(vsPath, 'POST', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'catalog-legacy', namespace: 'storefront' },
      spec: { hosts: ['catalog'], http: [{ route: [{ destination: { host: 'catalog-v1' } }] }] },
    });
    try {
      // The open catalog view is sent again by itself (release.changed), now saying what Istio does.
      await expect
        .poll(() =>
          changed
            .filter((v) => v.releaseId === CATALOG)
            .flatMap((v) => v.lint.filter((f) => f.code === 'SY170').map((f) => f.message)),
        )
        .toContainEqual(
          expect.stringMatching(
            /also VirtualService storefront\/catalog-legacy\): Istio does not support mixing/,
          ),
        );
    } finally {
      await kube(`${vsPath}/catalog-legacy`, 'DELETE');
    }
    await expect
      .poll(async () => {
        const view = await h['release.get']({ contextId: 'demo', releaseId: CATALOG });
        return view.lint.filter((f) => f.code === 'SY170').length;
      })
      .toBe(0);
  });

  it("sends an open release's view before the service list's update of the same change", async () => {
    await h['release.get']({ contextId: 'demo', releaseId: CATALOG });
    order.length = 0;
    const applied = await applyPlan((await planSplit({ 'catalog-v1': 65, 'catalog-v2': 35 })).planId);
    const changeOf = () => ({
      view: order.findIndex((e) => e.event === 'release.changed' && e.ids.includes(CATALOG)),
      list: order.findIndex((e) => e.event === 'services.changed' && e.ids.includes(CATALOG)),
    });
    await expect.poll(() => Math.min(changeOf().view, changeOf().list)).toBeGreaterThanOrEqual(0);
    // The renderer handles events in order: the view the operator watches for the confirmation no
    // longer waits behind the list's update (a splice and a filter of every service).
    expect(changeOf().view).toBeLessThan(changeOf().list);
    await undo(applied.historyId as string);
  });
});
