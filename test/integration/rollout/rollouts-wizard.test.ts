import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';
import type { HistoryEntryView, RolloutPlanProgress } from '../../../shared/api/console-schemas.ts';
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';
import { shares } from '../../helpers/shares.ts';

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
const IMAGE = 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.2';

type Handlers = ReturnType<typeof createConsoleHandlers>;

let mesh: DemoMesh;
const dataDir = mkdtempSync(join(tmpdir(), 'sy-wizard-'));
const progress: RolloutPlanProgress[] = [];
const recorded: HistoryEntryView[] = [];
const open: Handlers[] = [];

function handlersFor(): Handlers {
  const h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (event === 'rollout.progress') progress.push(payload as RolloutPlanProgress);
      if (event === 'history.recorded') recorded.push(payload as HistoryEntryView);
    },
    demoKubeconfig: () => mesh.kubeconfigPath,
    demoRequests: demoSampleRequests,
    pauseMs: 10,
    rolloutTimeoutMs: 50_000,
  });
  open.push(h);
  return h;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const workflow = async (h: Handlers, id: string) =>
  (await h['rollout.list']({ contextId: 'demo' })).rollouts.find((r) => r.id === id);

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 1200, requestsPerSecond: 5 });
});

afterAll(async () => {
  for (const h of open) await h.dispose();
  await mesh?.stop();
});

describe('the release wizard calls against the demo mesh', () => {
  it('creates v4 from v3, reports its rollout, routes by a reviewed plan, promotes and finalizes', async () => {
    const h = handlersFor();
    await h['sessions.open']({ contextId: 'demo' });
    const started = await h['rollout.start']({
      contextId: 'demo',
      releaseId: REVIEWS,
      fromVersion: 'v3',
      newVersion: 'v4',
      image: IMAGE,
      replicas: 2,
    });
    expect(started.id).toBe('bookinfo.reviews.v4');
    expect(started.canary).toMatchObject({ version: 'v4', deployment: 'reviews-v4', replicas: 2 });
    const ready = await until('v4 to be ready', async () => {
      const w = await workflow(h, started.id);
      return w?.phase === 'ready' && !w.running ? w : undefined;
    });
    expect(ready.rollout?.done).toBe(true);
    const mine = progress.filter((p) => p.id === started.id);
    expect(mine.some((p) => p.rollout && !p.rollout.done)).toBe(true);
    expect(mine.map((p) => p.phase)).toContain('rolling-out');

    const view = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(view.versions.map((v) => v.name)).toContain('v4');
    const split = view.versions.map((v) => ({ version: v.name, weight: v.name === 'v4' ? 10 : 0 }));
    split[0]!.weight = 90;
    const desired = {
      split,
      rules: [
        ...view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
        {
          version: 'v4',
          enabled: true,
          conditions: [
            [{ kind: 'header' as const, name: 'x-canary', op: 'exact' as const, value: 'always' }],
          ],
        },
        { version: 'v4', enabled: true, conditions: [[{ kind: 'os' as const, os: 'android' as const }]] },
      ],
    };
    const plan = await h['release.plan']({
      contextId: 'demo',
      releaseId: REVIEWS,
      desired,
      workflowId: started.id,
    });
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    expect((await h['release.apply']({ planId: plan.planId })).ok).toBe(true);
    const routed = await workflow(h, started.id);
    expect(routed?.phase).toBe('routing');
    expect(routed?.split?.find((s) => s.version === 'v4')?.weight).toBe(10);

    // The gate: v4 has served too few requests to be judged, so promoting needs an explicit override.
    const health = await h['rollout.health']({ contextId: 'demo', id: started.id });
    expect(health).toMatchObject({ canary: 'v4', stable: 'v3' });
    // Judged from the demo's own Prometheus: too few requests to v4 yet.
    expect(health.status).toBe('not-enough-traffic');
    expect(health.verdict?.canary).toBe('v4');
    await expect(h['rollout.promote']({ contextId: 'demo', id: started.id })).rejects.toThrow(
      /not promoting v4: it is not known to be healthy.*explicit override/,
    );
    expect(
      (await h['release.get']({ contextId: 'demo', releaseId: REVIEWS })).versions.find(
        (v) => v.name === 'v4',
      )?.weight,
    ).toBe(10);

    const seen = recorded.length;
    // Kept rules: the operator chooses to leave jason-on-v2 and canary-header as they are.
    const promoted = await h['rollout.promote']({
      contextId: 'demo',
      id: started.id,
      override: true,
      rules: 'keep',
    });
    expect(promoted.phase).toBe('promoted');
    // The promote reached History as it happened, no reload needed.
    const promoteEntry = recorded.slice(seen).find((e) => /promote v4/.test(e.summary));
    expect(promoteEntry).toMatchObject({ releaseId: REVIEWS, summary: expect.stringMatching(/overridden/) });
    const after = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(after.versions.find((v) => v.name === 'v4')?.weight).toBe(100);

    // Rules that still send requests to v3 would keep it alive: finalizing refuses until they move.
    await expect(
      h['rollout.finalize']({ contextId: 'demo', id: started.id, mode: 'delete' }),
    ).rejects.toThrow(/v3.*still/);
    const retarget = await h['release.allTraffic']({
      contextId: 'demo',
      releaseId: REVIEWS,
      version: 'v4',
      rules: 'retarget',
      purpose: 'switch',
    });
    expect(retarget.rules.map((r) => [r.name, r.outcome])).toEqual([
      ['jason-on-v2', 'retargeted'],
      ['canary-header', 'retargeted'],
      // The rollout's own rules, named from their version and condition when they were added.
      ['v4-header-x-canary', 'unchanged'],
      ['v4-os-android', 'unchanged'],
    ]);
    expect((await h['release.apply']({ planId: retarget.plan.planId })).ok).toBe(true);

    // Finalize is a plan for review: nothing changes until it is applied.
    const finalize = await h['rollout.finalize']({
      contextId: 'demo',
      id: started.id,
      mode: 'scale-to-zero',
    });
    expect(finalize.steps.map((s) => s.description)).toEqual([
      expect.stringMatching(/update VirtualService bookinfo\/reviews/),
      expect.stringMatching(/remove subset\(s\) v3/),
      'scale Deployment reviews-v3 to 0',
    ]);
    expect(finalize.steps.every((s) => s.dryRun.ok)).toBe(true);
    expect(finalize.steps[2]!.afterYaml).toMatch(/replicas: 0/);
    expect(await workflow(h, started.id)).toMatchObject({ phase: 'promoted', finalizeMode: 'scale-to-zero' });
    const v3 = (await h['release.get']({ contextId: 'demo', releaseId: REVIEWS })).versions.find(
      (v) => v.name === 'v3',
    );
    expect(v3?.podsTotal).toBeGreaterThan(0);

    const applied = await h['release.apply']({ planId: finalize.planId });
    expect(applied.ok).toBe(true);
    expect(recorded.find((e) => e.id === applied.historyId)?.summary).toMatch(/finalize v4/);
    expect(progress.filter((p) => p.id === started.id).at(-1)?.phase).toBe('finalized');
    expect(await workflow(h, started.id)).toBeUndefined();
    const done = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    // v3's subset is gone; its Deployment stays, scaled to zero, and takes no traffic.
    const v3After = done.versions.find((v) => v.name === 'v3');
    expect(v3After?.declared ?? false).toBe(false);
    expect(v3After?.weight ?? 0).toBe(0);
  });

  it('refuses a second release of the same version and an unknown stable version, saying why', async () => {
    const h = open[0]!;
    await expect(
      h['rollout.start']({
        contextId: 'demo',
        releaseId: REVIEWS,
        fromVersion: 'v9',
        newVersion: 'v6',
        image: IMAGE,
        replicas: 1,
      }),
    ).rejects.toThrow(/'v9' is not a version/);
  });

  it('picks a release up again after the app restarts in the middle of its rollout, then aborts it', async () => {
    const first = handlersFor();
    await first['sessions.open']({ contextId: 'demo' });
    const started = await first['rollout.start']({
      contextId: 'demo',
      releaseId: REVIEWS,
      fromVersion: 'v4',
      newVersion: 'v5',
      image: IMAGE,
      replicas: 1,
    });
    expect(['creating', 'rolling-out']).toContain(started.phase);
    await first.dispose();

    const second = handlersFor();
    await second['sessions.open']({ contextId: 'demo' });
    const waiting = await workflow(second, started.id);
    expect(waiting?.running).toBe(false);
    expect(['creating', 'rolling-out', 'adding-subset']).toContain(waiting?.phase);

    const resumed = await second['rollout.resume']({ contextId: 'demo', id: started.id });
    expect(resumed.running).toBe(true);
    await until('v5 to be ready after resuming', async () => {
      const w = await workflow(second, started.id);
      return w?.phase === 'ready' && !w.running ? w : undefined;
    });

    // 10% to v5 first, so the abort has a route to change back.
    const before = await second['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const canary = await second['release.plan']({
      contextId: 'demo',
      releaseId: REVIEWS,
      desired: {
        split: shares({ v4: 90, v5: 10 }),
        rules: before.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
      },
      workflowId: started.id,
    });
    expect((await second['release.apply']({ planId: canary.planId })).ok).toBe(true);

    const seen = recorded.length;
    const aborted = await second['rollout.abort']({ contextId: 'demo', id: started.id, scaleToZero: true });
    expect(aborted.phase).toBe('aborted');
    // Each step of the abort reached History as it happened: the route back to v4, the scale down.
    const abortEntries = recorded.slice(seen).map((e) => e.summary);
    expect(abortEntries).toEqual([
      expect.stringMatching(/all traffic back to v4/),
      expect.stringMatching(/scale Deployment reviews-v5 to 0/),
    ]);
    const view = await second['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(view.versions.find((v) => v.name === 'v4')?.weight).toBe(100);
    expect(view.versions.find((v) => v.name === 'v5')?.weight ?? 0).toBe(0);
  });
});

describe('the live rule preview', () => {
  it('shows the share of demo traffic each desired rule catches, before anything is applied', async () => {
    const h = open.at(-1)!;
    const view = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const target = 'v4';
    const desired = {
      split: view.versions.map((v) => ({ version: v.name, weight: v.weight })),
      rules: [
        { version: target, enabled: true, conditions: [[{ kind: 'os' as const, os: 'android' as const }]] },
        { version: target, enabled: false, conditions: [[{ kind: 'os' as const, os: 'ios' as const }]] },
      ],
    };
    const preview = await h['release.preview']({ contextId: 'demo', releaseId: REVIEWS, desired });
    expect(preview.source).toBe('demo');
    expect(preview.total).toBeGreaterThan(1000);
    const android = preview.rules.find((r) => r.position === 0)!;
    // The demo population draws Android for about 40% of its visitors.
    expect(android.share).toBeGreaterThan(0.25);
    expect(android.share).toBeLessThan(0.55);
    expect(preview.rules.find((r) => r.position === 1)?.count).toBe(0);
    expect(preview.versions.find((v) => v.version === target)?.count).toBeGreaterThanOrEqual(android.count);
    const unchanged = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(unchanged.rules.length).toBe(view.rules.length);
  });

  it('routes an imported JSONL sample and names the line of a bad one', async () => {
    const h = open.at(-1)!;
    const view = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const target = 'v4';
    const desired = {
      split: view.versions.map((v) => ({ version: v.name, weight: v.weight })),
      rules: [
        {
          version: target,
          enabled: true,
          conditions: [[{ kind: 'header' as const, name: 'x-beta', op: 'exact' as const, value: 'yes' }]],
        },
      ],
    };
    const jsonl = ['{"headers":{"x-beta":"yes"}}', '{"headers":{"x-beta":"no"}}', '', '{"path":"/"}'].join(
      '\n',
    );
    const preview = await h['release.preview']({
      contextId: 'demo',
      releaseId: REVIEWS,
      desired,
      sample: { jsonl },
    });
    expect(preview).toMatchObject({ total: 3, source: 'jsonl' });
    expect(preview.rules[0]?.count).toBe(1);
    await expect(
      h['release.preview']({
        contextId: 'demo',
        releaseId: REVIEWS,
        desired,
        sample: { jsonl: '{"path":"/"}\n{"headers": nope}' },
      }),
    ).rejects.toThrow(/line 2: not valid JSON/);
  });
});
