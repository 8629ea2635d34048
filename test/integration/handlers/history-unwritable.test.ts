// Against the demo mesh, through the console handlers: a change that reached the cluster is
// reported as applied even when its history line cannot be written (here the history folder's
// name is taken by a file), and it stays in the history list, undoable, for this session. History
// lines that cannot be read are reported by history.list, not dropped.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

let mesh: DemoMesh;
const all: Array<ReturnType<typeof createConsoleHandlers>> = [];

function handlersWith(prepare: (dataDir: string) => void) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-history-unwritable-'));
  prepare(dataDir);
  const handlers = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
  all.push(handlers);
  return handlers;
}

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 0 });
});
afterAll(async () => {
  for (const h of all) await h.dispose();
  await mesh?.stop();
});

async function applySplit(handlers: ReturnType<typeof createConsoleHandlers>, first: number) {
  await handlers['sessions.open']({ contextId: 'demo' });
  const view = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
  const split = view.versions.map((v, i) => ({
    version: v.name,
    weight: i === 0 ? first : i === 1 ? 100 - first : 0,
  }));
  const plan = await handlers['release.plan']({
    contextId: 'demo',
    releaseId: REVIEWS,
    desired: { split, rules: [] },
  });
  return {
    names: view.versions.map((v) => v.name),
    result: await handlers['release.apply']({ planId: plan.planId }),
  };
}

describe('history that cannot be written or read', () => {
  it('reports the cluster’s outcome with a warning and keeps the entry undoable', async () => {
    const handlers = handlersWith((dataDir) => writeFileSync(join(dataDir, 'history'), 'not a folder'));
    const { names, result } = await applySplit(handlers, 60);
    expect(result.ok).toBe(true);
    expect(result.warning).toMatch(/^applied; could not record history: EEXIST: /);
    expect(result.historyId).toBeDefined();
    const after = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    expect(after.versions.find((v) => v.name === names[0])?.weight).toBe(60);
    const history = await handlers['history.list']({ contextId: 'demo', releaseId: REVIEWS });
    expect(history.entries[0]?.id).toBe(result.historyId);
    expect(history.entries[0]?.undoable).toBe(true);
    const undo = await handlers['history.undo']({ entryId: result.historyId ?? '' });
    expect(undo.steps.length).toBeGreaterThan(0);
  });

  it('lists the entries it can read and reports the lines it cannot', async () => {
    const handlers = handlersWith((dataDir) => {
      mkdirSync(join(dataDir, 'history'));
      writeFileSync(join(dataDir, 'history', '2020-01-01.jsonl'), '{"not":"an entry"}\n{broken\n');
    });
    const { result } = await applySplit(handlers, 70);
    expect(result.ok).toBe(true);
    expect(result.warning).toBeUndefined();
    const history = await handlers['history.list']({ contextId: 'demo' });
    expect(history.entries.map((e) => e.id)).toContain(result.historyId);
    expect(history.skipped).toEqual([
      { file: '2020-01-01.jsonl', line: 1, reason: 'not a history entry (id, time, plan or steps missing)' },
      { file: '2020-01-01.jsonl', line: 2, reason: 'not valid JSON' },
    ]);
  });
});
