// "Switch all traffic" and "Roll back to" through the console calls, against the demo mesh over real
// HTTP: the route the cluster ends up with sends nothing elsewhere (unless the operator keeps the
// rules), and undoing the change gives back the VirtualService exactly as it was.

import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';
import type { HistoryEntryView } from '../../../shared/api/console-schemas.ts';
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { DISABLED_RULES_ANNOTATION } from '../../../shared/mesh/model/index.ts';

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews';

let mesh: DemoMesh;
let h: ReturnType<typeof createConsoleHandlers>;
const recorded: HistoryEntryView[] = [];

/** The VirtualService as the demo's API server has it (not the app's cache). */
function getVs(): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(VS_PATH, mesh.url),
      {
        headers: { Authorization: `Bearer ${mesh.tokens.admin}` },
        ...(mesh.caCert ? { ca: mesh.caCert } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(text) as KubeObject) : reject(new Error(text)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

type Http = Array<{
  name?: string;
  match?: unknown;
  route: Array<{ destination: { subset: string }; weight?: number }>;
}>;
const httpOf = (vs: KubeObject) => (vs.spec as { http: Http }).http;
/** What can be compared across writes: the spec and the annotations (not resourceVersion). */
const comparable = (vs: KubeObject) => ({ spec: vs.spec, annotations: vs.metadata.annotations ?? {} });

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

async function allTraffic(
  version: string,
  rules: 'disable' | 'retarget' | 'keep',
  purpose: 'switch' | 'rollback' = 'switch',
) {
  return h['release.allTraffic']({ contextId: 'demo', releaseId: REVIEWS, version, rules, purpose });
}

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 5 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-all-traffic-'));
  h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (event === 'history.recorded') recorded.push(payload as HistoryEntryView);
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

describe('all traffic to one version, against the demo mesh', () => {
  it('disables the rules that route elsewhere, keeps them in the annotation, and undo restores the route exactly', async () => {
    const before = await getVs();
    const change = await allTraffic('v1', 'disable');
    expect(change.rules).toEqual([
      { id: 'http:0', name: 'jason-on-v2', from: 'v2', outcome: 'disabled' },
      { id: 'http:1', name: 'canary-header', from: 'v3', outcome: 'disabled' },
    ]);
    expect([...change.drained].sort()).toEqual(['v2', 'v3']);
    expect(change.plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    const applied = await applyPlan(change.plan.planId);
    // History hears of the change as it happens, naming what became of each rule.
    const entry = recorded.find((e) => e.id === applied.historyId);
    expect(entry?.summary).toMatch(
      /^v1 80% → 100% \(switch all traffic\); disabled rule 'jason-on-v2'.* → v2; disabled rule 'canary-header'.* → v3$/,
    );

    const after = await getVs();
    expect(httpOf(after)).toHaveLength(1);
    expect(httpOf(after)[0]!.route.map((d) => [d.destination.subset, d.weight])).toEqual([
      ['v1', 100],
      ['v2', 0],
      ['v3', 0],
    ]);
    const stored = JSON.parse(after.metadata.annotations?.[DISABLED_RULES_ANNOTATION] ?? '[]') as unknown[];
    expect(stored).toHaveLength(2);
    const view = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(view.rules.filter((r) => r.enabled)).toEqual([]);
    expect(view.rules.filter((r) => !r.enabled).map((r) => r.name)).toEqual(['jason-on-v2', 'canary-header']);

    await undo(applied.historyId!);
    expect(comparable(await getVs())).toEqual(comparable(before));
  });

  it('retargets the rules in place when asked, and undo restores the route exactly', async () => {
    const before = await getVs();
    const change = await allTraffic('v1', 'retarget');
    expect(change.rules.map((r) => r.outcome)).toEqual(['retargeted', 'retargeted']);
    const applied = await applyPlan(change.plan.planId);
    const http = httpOf(await getVs());
    expect(http.map((r) => r.name)).toEqual(['jason-on-v2', 'canary-header', 'default']);
    expect(http.map((r) => r.match)).toEqual(httpOf(before).map((r) => r.match));
    expect(
      http.flatMap((r) => r.route.filter((d) => (d.weight ?? 100) > 0).map((d) => d.destination.subset)),
    ).toEqual(['v1', 'v1', 'v1']);
    await undo(applied.historyId!);
    expect(comparable(await getVs())).toEqual(comparable(before));
  });

  it('keeps the rules when the operator chooses so, and says their requests still reach v2 and v3', async () => {
    const before = await getVs();
    const change = await allTraffic('v1', 'keep');
    expect(change.rules.map((r) => [r.name, r.from, r.outcome])).toEqual([
      ['jason-on-v2', 'v2', 'kept'],
      ['canary-header', 'v3', 'kept'],
    ]);
    expect(change.drained).toEqual([]);
    const applied = await applyPlan(change.plan.planId);
    const http = httpOf(await getVs());
    expect(http.slice(0, 2).map((r) => r.route[0]!.destination.subset)).toEqual(['v2', 'v3']);
    expect(recorded.find((e) => e.id === applied.historyId)?.summary).toMatch(/kept/);
    await undo(applied.historyId!);
    expect(comparable(await getVs())).toEqual(comparable(before));
  });

  it('rolls back to v1 after a switch to v3, naming what it restores; undoing both gives back the original', async () => {
    const original = await getVs();
    const toV3 = await applyPlan((await allTraffic('v3', 'disable')).plan.planId);
    expect(httpOf(await getVs()).map((r) => r.name)).toEqual(['canary-header', 'default']);

    const back = await allTraffic('v1', 'disable', 'rollback');
    expect(back.restores).toMatch(/v1 takes all of reviews's traffic again, as before v3 took it over/);
    expect(back.rules).toEqual([{ id: 'http:0', name: 'canary-header', from: 'v3', outcome: 'disabled' }]);
    const rolledBack = await applyPlan(back.plan.planId);
    const after = await getVs();
    expect(httpOf(after)).toHaveLength(1);
    expect(httpOf(after)[0]!.route.find((d) => d.destination.subset === 'v1')?.weight).toBe(100);
    expect(JSON.parse(after.metadata.annotations?.[DISABLED_RULES_ANNOTATION] ?? '[]')).toHaveLength(2);
    expect(recorded.find((e) => e.id === rolledBack.historyId)?.summary).toMatch(/roll back to v1/);

    await undo(rolledBack.historyId!);
    await undo(toV3.historyId!);
    expect(comparable(await getVs())).toEqual(comparable(original));
  });

  it('refuses an unknown version with a clear error, writing nothing', async () => {
    const before = await getVs();
    await expect(allTraffic('v9', 'disable')).rejects.toThrow(/unknown version 'v9'/);
    expect(comparable(await getVs())).toEqual(comparable(before));
  });

  it('refuses all traffic to a version with no ready pod (every request would fail), writing nothing', async () => {
    const type = mesh.store.typeFor('apps/v1', 'Deployment');
    if (!type) throw new Error('no Deployment type');
    const scale = (replicas: number) => {
      const d = structuredClone(mesh.store.get(type, 'bookinfo', 'reviews-v3'));
      if (!d) throw new Error('no reviews-v3');
      (d.spec as { replicas: number }).replicas = replicas;
      mesh.store.update(d);
    };
    const v3Ready = async () =>
      (await h['release.get']({ contextId: 'demo', releaseId: REVIEWS })).versions.find(
        (v) => v.name === 'v3',
      )?.podsReady;
    const until = async (ok: (n: number | undefined) => boolean) => {
      for (let i = 0; i < 100 && !ok(await v3Ready()); i++) await new Promise((r) => setTimeout(r, 50));
    };
    scale(0);
    try {
      await until((n) => n === 0);
      const before = await getVs();
      await expect(allTraffic('v3', 'disable')).rejects.toThrow(
        /^cannot send all traffic to v3: it has no ready pod \(0 of 0 ready\), so every request would fail \(503\)/,
      );
      expect(comparable(await getVs())).toEqual(comparable(before));
    } finally {
      scale(1);
      await until((n) => (n ?? 0) > 0);
    }
    // With its pod back, the same change is planned.
    await expect(allTraffic('v3', 'disable')).resolves.toMatchObject({ version: 'v3' });
  });
});

describe('without the demo visitor population', () => {
  it('answers unavailable: the core draws no sample of its own, the entry point gives it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-all-traffic-nodemo-'));
    const bare = createConsoleHandlers({
      dataDir,
      env: { KUBECONFIG: join(dataDir, 'none') },
      emit: () => {},
      demoKubeconfig: () => mesh.kubeconfigPath,
    });
    try {
      await bare['sessions.open']({ contextId: 'demo' });
      await expect(
        bare['release.allTraffic']({
          contextId: 'demo',
          releaseId: REVIEWS,
          version: 'v1',
          rules: 'keep',
          purpose: 'switch',
        }),
      ).rejects.toMatchObject({ code: 'unavailable', message: /no demo visitor population/ });
    } finally {
      await bare.dispose();
    }
  });
});
