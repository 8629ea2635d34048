import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReleaseState } from '../../../main/core/rollout/rollout-state.ts';
import { createReleaseStateStore } from '../../../main/core/rollout/rollout-state-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-rollout-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const state: ReleaseState = {
  id: 'bookinfo.reviews.v4',
  context: 'demo',
  namespace: 'bookinfo',
  serviceReleaseId: 'istio:bookinfo/reviews',
  stable: { version: 'v1', deployment: 'reviews-v1' },
  canary: { version: 'v4', deployment: 'reviews-v4', image: 'reviews:4', replicas: 1, labels: {} },
  phase: 'routing',
  split: [
    { version: 'v1', weight: 90 },
    { version: 'v4', weight: 10 },
  ],
  historyIds: [],
  createdAt: '2026-12-05T00:00:00.000Z',
  updatedAt: '2026-12-05T00:00:00.000Z',
};

describe('the rollout state store', () => {
  it('keeps the split as a TrafficSplit, in order, through a save and a load', async () => {
    const store = createReleaseStateStore(dir);
    await store.save(state);
    expect((await store.load(state.id))?.split).toEqual(state.split);
    expect((await store.list()).releases[0]?.split).toEqual(state.split);
  });

  it('reads a state saved with the older version→percent record as the same TrafficSplit', async () => {
    const old = { ...state, split: { v1: 90, v4: 10 } };
    await writeFile(join(dir, `${state.id}.json`), JSON.stringify(old));
    const store = createReleaseStateStore(dir);
    expect((await store.load(state.id))?.split).toEqual(state.split);
    const listed = await store.list();
    expect(listed.unreadable).toEqual([]);
    expect(listed.releases[0]?.split).toEqual(state.split);
  });
});
