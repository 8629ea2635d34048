import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { HistoryEntryView } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { apiClient } from '../demo/demo-api-client.ts';

// The history of a change made through the console, against the demo mesh: it reads as the action,
// an undo says what it undid, and a change made behind the app's back disables Undo with the
// resourceVersions compared. RE2 verdicts for the rule editor come from the same main.

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews';

let mesh: DemoMesh;
let handlers: ReturnType<typeof createConsoleHandlers>;

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Applies a split, keeping the content rules as they are. */
async function applySplit(split: Record<string, number>): Promise<string> {
  const view = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
  const rules = view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled }));
  const plan = await handlers['release.plan']({
    contextId: 'demo',
    releaseId: REVIEWS,
    desired: { split: Object.entries(split).map(([version, weight]) => ({ version, weight })), rules },
  });
  const result = await handlers['release.apply']({ planId: plan.planId });
  if (!result.ok || !result.historyId) throw new Error('the apply did not succeed');
  return result.historyId;
}

async function entry(id: string): Promise<HistoryEntryView | undefined> {
  const { entries } = await handlers['history.list']({ contextId: 'demo', releaseId: REVIEWS });
  return entries.find((e) => e.id === id);
}

beforeAll(async () => {
  mesh = await startDemoMesh({ http: true, podReadyDelayMs: 0, requestsPerSecond: 5 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-history-actions-'));
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
});

describe('history as actions against the demo mesh', () => {
  it('reads a switch of all traffic as such, and an undo as what it undid', async () => {
    // The seed splits reviews v1 80, v2 10, v3 10.
    const id = await applySplit({ v1: 0, v2: 0, v3: 100 });
    expect(await entry(id)).toMatchObject({ summary: 'v3 10% → 100% (switch all traffic)', undoable: true });

    const undoPlan = await handlers['history.undo']({ entryId: id });
    const undone = await handlers['release.apply']({ planId: undoPlan.planId });
    expect(undone.ok).toBe(true);
    const undoEntry = await entry(undone.historyId ?? '');
    expect(undoEntry?.summary).toMatch(/^Undid “v3 10% → 100% \(switch all traffic\)”: v1 0% → 80%/);
    const original = await until('the cache to see the undo', async () => {
      const e = await entry(id);
      return e?.undoBlocked ? e : undefined;
    });
    expect(original.undoable).toBe(false);
    expect(original.undoBlocked).toMatch(/^Already undone on /);
  });

  it('disables Undo after a change behind the app’s back, and a refused undo names the resourceVersions', async () => {
    const id = await applySplit({ v1: 60, v2: 20, v3: 20 });
    const recorded = await until('the cache to hold the change', async () => {
      const e = await entry(id);
      return e?.undoable ? e : undefined;
    });
    expect(recorded.summary).toBe('v2 10% → 20%, v3 10% → 20%, v1 80% → 60%');
    const admin = apiClient(mesh);
    const patched = await admin(
      'PATCH',
      VS_PATH,
      [
        { op: 'replace', path: '/spec/http/2/route/0/weight', value: 40 },
        { op: 'replace', path: '/spec/http/2/route/1/weight', value: 40 },
      ],
      'application/json-patch+json',
    );
    expect(patched.status).toBe(200);
    const live = String(patched.json.metadata.resourceVersion);
    const blocked = await until('Undo to be blocked', async () => {
      const e = await entry(id);
      return e?.undoable === false ? e : undefined;
    });
    expect(blocked.compared).toEqual([
      expect.objectContaining({ object: 'VirtualService bookinfo/reviews', live }),
    ]);
    const recordedRv = blocked.compared?.[0]?.recorded;
    expect(recordedRv).toBeDefined();
    expect(recordedRv).not.toBe(live);
    expect(blocked.undoBlocked).toContain(`resourceVersion ${recordedRv} after this change, ${live} now`);

    const refused = await handlers['history.undo']({ entryId: id }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApiFailure);
    expect((refused as ApiFailure).code).toBe('conflict');
    expect((refused as ApiFailure).message).toContain(
      `resourceVersion ${recordedRv} after this change, ${live} now`,
    );
  });

  it('answers RE2’s verdict on the patterns a rule editor holds', async () => {
    const { results } = await handlers['rules.check']({ patterns: ['beta(', 'beta(1)?', '(?=x)y'] });
    expect(results.map((r) => [r.pattern, r.error === null])).toEqual([
      ['beta(', false],
      ['beta(1)?', true],
      ['(?=x)y', false],
    ]);
    expect(results[0]?.error).toContain('missing )');
  });
});
