import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

describe('the console handlers against the demo mesh', () => {
  let mesh: DemoMesh;
  let handlers: ReturnType<typeof createConsoleHandlers>;
  const events: Array<{ event: EventName; payload: unknown }> = [];

  beforeAll(async () => {
    mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 20 });
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-console-'));
    handlers = createConsoleHandlers({
      dataDir,
      env: { KUBECONFIG: join(dataDir, 'none') },
      emit: <E extends EventName>(event: E, payload: EventPayload<E>) => events.push({ event, payload }),
      demoKubeconfig: () => mesh.kubeconfigPath,
      pauseMs: 10,
    });
  });

  afterAll(async () => {
    await handlers?.dispose();
    await mesh?.stop();
  });

  it('lists the demo mesh and its read-only viewer among the contexts', async () => {
    const list = await handlers.listContexts();
    const ids = list.contexts.map((c) => c.id);
    expect(ids).toContain('demo');
    expect(ids).toContain('demo-viewer');
  });

  it('opens the demo context and lists its services with versions and badges', async () => {
    const summary = await handlers['sessions.open']({ contextId: 'demo' });
    expect(summary.status).toBe('connected');
    const { services } = await handlers['services.list']({ contextId: 'demo' });
    const reviews = services.find((s) => s.releaseId === REVIEWS);
    expect(reviews?.name).toBe('reviews');
    expect(reviews?.versionCount).toBeGreaterThanOrEqual(3);
    expect(reviews?.readOnly).toBe(false);
  });

  it('shows a service with per-version pods, image and share of traffic', async () => {
    const view = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(view.editable).toBe(true);
    expect(view.versions.reduce((n, v) => n + v.weight, 0)).toBe(100);
    const v1 = view.versions.find((v) => v.name === 'v1');
    expect(v1?.image).toMatch(/reviews/);
    expect(v1?.podsTotal).toBeGreaterThan(0);
  });

  it('plans a new split with a YAML diff and a passing dry-run, applies it, and records history', async () => {
    const view = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const names = view.versions.map((v) => v.name);
    const split = names.map((n, i) => ({ version: n, weight: i === 0 ? 70 : i === 1 ? 30 : 0 }));
    const plan = await handlers['release.plan']({
      contextId: 'demo',
      releaseId: REVIEWS,
      desired: { split, rules: [] },
    });
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    expect(plan.steps[0]?.afterYaml).toContain('weight: 30');
    const result = await handlers['release.apply']({ planId: plan.planId });
    expect(result.ok).toBe(true);
    expect(events.some((e) => e.event === 'apply.progress')).toBe(true);
    const after = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(after.versions.find((v) => v.name === names[1])?.weight).toBe(30);
    const history = await handlers['history.list']({ contextId: 'demo', releaseId: REVIEWS });
    expect(history.entries[0]?.id).toBe(result.historyId);
    expect(history.entries[0]?.undoable).toBe(true);
  });

  it('adds a header rule and an Android rule compiled from conditions', async () => {
    const view = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const target = view.versions.at(-1)?.name ?? 'v3';
    const plan = await handlers['release.plan']({
      contextId: 'demo',
      releaseId: REVIEWS,
      desired: {
        split: view.versions.map((v) => ({ version: v.name, weight: v.weight })),
        rules: [
          ...view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
          {
            version: target,
            enabled: true,
            conditions: [[{ kind: 'header', name: 'x-canary', op: 'exact', value: 'true' }]],
          },
          { version: target, enabled: true, conditions: [[{ kind: 'os', os: 'android' }]] },
        ],
      },
    });
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    const result = await handlers['release.apply']({ planId: plan.planId });
    expect(result.ok).toBe(true);
    const after = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const kinds = after.rules.flatMap((r) => (r.conditions ?? []).flat().map((c) => c.kind));
    expect(kinds).toContain('header');
    expect(kinds).toContain('os');
  });

  it('undoes the last change through a plan that is reviewed and applied like any other', async () => {
    const history = await handlers['history.list']({ contextId: 'demo', releaseId: REVIEWS });
    const last = history.entries[0];
    if (!last) throw new Error('no history entry');
    const rulesBefore = (await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS })).rules
      .length;
    const plan = await handlers['history.undo']({ entryId: last.id });
    expect(plan.steps.length).toBeGreaterThan(0);
    const result = await handlers['release.apply']({ planId: plan.planId });
    expect(result.ok).toBe(true);
    const after = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(after.rules.length).toBe(rulesBefore - 2);
  });

  it('makes every service read-only in the viewer context and refuses to plan there', async () => {
    const summary = await handlers['sessions.open']({ contextId: 'demo-viewer' });
    expect(summary.status).toBe('read-only');
    const view = await handlers['release.get']({ contextId: 'demo-viewer', releaseId: REVIEWS });
    expect(view.editable).toBe(false);
    expect(view.readOnlyReasons.join(' ')).toMatch(/read-only session/);
    await expect(
      handlers['release.plan']({
        contextId: 'demo-viewer',
        releaseId: REVIEWS,
        desired: { split: [], rules: [] },
      }),
    ).rejects.toThrow(/read-only/);
  });

  it('answers a clear error for an unknown plan or context', async () => {
    await expect(handlers['release.apply']({ planId: 'plan-nope' })).rejects.toThrow(/unknown or expired/);
    await expect(handlers['services.list']({ contextId: 'nonsense' })).rejects.toThrow(/unknown context id/);
  });
});
