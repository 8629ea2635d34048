// Issue 8, "start with the demo mesh stopped": a session captures its snapshot, the app restarts
// with the cluster gone, and the console still lists and shows its services read-only, with the
// snapshot's time, and a draft can start from the snapshot.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraftsService } from '../../../main/core/drafts/drafts-service.ts';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import { draftHandlers } from '../../../main/core/handlers/drafts.ts';
import { createSnapshotStore } from '../../../main/core/snapshots/snapshot-store.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';

const CONTEXT = 'kube:demo-admin';
const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function handlersOn(dataDir: string, kubeconfig: string) {
  return createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: kubeconfig },
    emit: () => {},
    pauseMs: 10,
    snapshots: { debounceMs: 100, minIntervalMs: 300 },
  });
}

describe('starting with the cluster of the last session gone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-snapshots-'));
  const dataDir = join(dir, 'data');
  const kubeconfig = join(dir, 'kubeconfig');
  const store = createSnapshotStore({ dir: join(dataDir, 'snapshots') });
  let mesh: DemoMesh | undefined;
  let handlers: ReturnType<typeof handlersOn> | undefined;
  let firstSnapshotAt = '';

  beforeAll(async () => {
    mesh = await startDemoMesh({ kubeconfigPath: kubeconfig, podReadyDelayMs: 0, requestsPerSecond: 5 });
    handlers = handlersOn(dataDir, kubeconfig);
  });

  afterAll(async () => {
    await handlers?.dispose();
    await mesh?.stop();
  });

  it('captures a snapshot of a synced session soon after its services are listed', async () => {
    const live = handlers!;
    expect((await live['sessions.open']({ contextId: CONTEXT })).status).toBe('connected');
    const { services, snapshotAt } = await live['services.list']({ contextId: CONTEXT });
    expect(snapshotAt).toBeUndefined();
    expect(services.find((s) => s.releaseId === REVIEWS)?.readOnly).toBe(false);
    firstSnapshotAt = await until('the first snapshot', async () => {
      const c = (await live.listContexts()).contexts.find((x) => x.id === CONTEXT);
      return c?.snapshotAt;
    });
    const loaded = await store.load(CONTEXT);
    if (!loaded || !('snapshot' in loaded)) throw new Error('no snapshot on disk');
    expect(loaded.snapshot.contextName).toBe('demo-admin');
    expect(loaded.snapshot.objects.some((o) => o.kind === 'VirtualService')).toBe(true);
    expect(loaded.snapshot.objects.some((o) => o.kind === 'Pod')).toBe(false);
  });

  it('captures a later live change in a newer snapshot', async () => {
    const live = handlers!;
    const view = await live['release.get']({ contextId: CONTEXT, releaseId: REVIEWS });
    const split = view.versions.map((v, i) => ({ version: v.name, weight: i === 0 ? 70 : i === 1 ? 30 : 0 }));
    const plan = await live['release.plan']({
      contextId: CONTEXT,
      releaseId: REVIEWS,
      desired: { split, rules: [] },
    });
    expect((await live['release.apply']({ planId: plan.planId })).ok).toBe(true);
    const newer = await until('a snapshot with the new split', async () => {
      const loaded = await store.load(CONTEXT);
      if (!loaded || !('snapshot' in loaded)) return undefined;
      const vs = loaded.snapshot.objects.find(
        (o) => o.kind === 'VirtualService' && o.metadata.name === 'reviews',
      );
      return JSON.stringify(vs?.spec).includes('"weight":30') ? loaded.snapshot : undefined;
    });
    expect(newer.capturedAt > firstSnapshotAt).toBe(true);
  });

  it('after a restart with the mesh stopped, lists and shows the services from the snapshot, read-only', async () => {
    await handlers!.dispose();
    await mesh!.stop();
    mesh = undefined;
    handlers = handlersOn(dataDir, kubeconfig);
    const offline = handlers;

    const summary = (await offline.listContexts()).contexts.find((c) => c.id === CONTEXT);
    expect(summary?.snapshotAt).toBeDefined();
    expect(summary!.snapshotAt! >= firstSnapshotAt).toBe(true);
    const opened = await offline['sessions.open']({ contextId: CONTEXT });
    expect(opened.status).toBe('error');
    expect(opened.snapshotAt).toBe(summary?.snapshotAt);

    const list = await offline['services.list']({ contextId: CONTEXT });
    expect(list.snapshotAt).toBe(summary?.snapshotAt);
    expect(list.services.every((s) => s.readOnly)).toBe(true);
    expect(list.services.find((s) => s.releaseId === REVIEWS)?.name).toBe('reviews');

    const view = await offline['release.get']({ contextId: CONTEXT, releaseId: REVIEWS });
    expect(view.editable).toBe(false);
    expect(view.snapshotAt).toBe(summary?.snapshotAt);
    expect(view.readOnlyReasons[0]).toBe(
      `Offline: this is the snapshot taken ${summary?.snapshotAt}; reconnect to change traffic.`,
    );
    expect(view.versions.length).toBeGreaterThanOrEqual(3);
    expect(view.versions.every((v) => v.podsUnknown)).toBe(true);
    expect(view.versions.map((v) => v.weight)).toEqual(
      view.versions.map((_, i) => (i === 0 ? 70 : i === 1 ? 30 : 0)),
    );

    const base = await offline.draftBase(CONTEXT, REVIEWS);
    expect(base.origin).toBe('snapshot');
    expect(base.capturedAt).toBe(summary?.snapshotAt);
    const kinds = base.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['VirtualService/reviews', 'DestinationRule/reviews']));
    expect(base.objects.every((o) => o.metadata.resourceVersion && o.metadata.uid)).toBe(true);
  });

  it('drafts a release from the snapshot with the mesh stopped, and keeps it across a restart', async () => {
    const events: string[] = [];
    const draftsOn = (h: ReturnType<typeof handlersOn>) =>
      draftHandlers(
        createDraftsService({
          dataDir,
          emit: (event) => events.push(event),
          draftBase: (c, r) => h.draftBase(c, r),
          liveObjects: (c, k) => h.liveObjects(c, k),
          reviewPlan: (p) => h.reviewPlan(p),
        }),
      );
    const drafts = draftsOn(handlers!);
    const created = await drafts['drafts.create']({ contextId: CONTEXT, releaseId: REVIEWS, name: 'train' });
    expect(created.baseSource).toBe('snapshot');
    const snapshotAt = (await handlers!.listContexts()).contexts.find((c) => c.id === CONTEXT)?.snapshotAt;
    expect(created.baseCapturedAt).toBe(snapshotAt);
    const versions = created.release!.versions.map((v) => v.name);
    const split = versions.map((version, i) => ({ version, weight: i === 0 ? 40 : i === 1 ? 60 : 0 }));
    const saved = await drafts['drafts.update']({
      id: created.id,
      desired: { split, rules: [] },
      notes: 'drafted offline',
    });
    expect(saved.release!.versions.map((v) => v.weight).slice(0, 2)).toEqual([40, 60]);
    expect(saved.diff.map((d) => `${d.kind}/${d.name}`)).toContain('VirtualService/reviews');
    // Comparing needs the cluster: a clear 'unavailable', and the draft is untouched.
    await expect(drafts['drafts.compare']({ id: created.id })).rejects.toMatchObject({ code: 'unavailable' });
    expect(events).toContain('drafts.changed');

    // Restart (still offline): the draft is listed with its split and notes.
    await handlers!.dispose();
    handlers = handlersOn(dataDir, kubeconfig);
    const again = await draftsOn(handlers)['drafts.get']({ id: created.id });
    expect(again.notes).toBe('drafted offline');
    expect(again.baseSource).toBe('snapshot');
    expect(again.release!.versions.map((v) => v.weight).slice(0, 2)).toEqual([40, 60]);
  });

  it('still refuses to change traffic offline, and says when a context has no snapshot at all', async () => {
    const offline = handlers!;
    await expect(
      offline['release.plan']({ contextId: CONTEXT, releaseId: REVIEWS, desired: { split: [], rules: [] } }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    await offline['sessions.open']({ contextId: 'kube:demo-viewer' });
    await expect(offline['services.list']({ contextId: 'kube:demo-viewer' })).rejects.toMatchObject({
      code: 'unavailable',
    });
    await expect(offline.draftBase('kube:demo-viewer', REVIEWS)).rejects.toThrow(
      /no offline snapshot of 'kube:demo-viewer' yet/,
    );
  });

  it('reports an unreadable snapshot among the context problems and sets it aside', async () => {
    const offline = handlers!;
    writeFileSync(store.fileOf('kube:demo-viewer'), '{"schemaVersion":1,"contextId":"kube:demo-vi');
    const list = await offline.listContexts();
    expect(list.contexts.find((c) => c.id === 'kube:demo-viewer')?.snapshotAt).toBeUndefined();
    const problem = list.problems.find((p) => p.message.includes('kube%3Ademo-viewer.json'));
    expect(problem?.message).toMatch(/could not be read and was set aside: .*not valid JSON/);
    expect(problem?.file).toMatch(/kube%3Ademo-viewer\.json\.corrupt-/);
    expect(readdirSync(store.dir).some((f) => f.startsWith('kube%3Ademo-viewer.json.corrupt-'))).toBe(true);
  });
});
