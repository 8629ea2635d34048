import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedKey } from '../../../main/core/cluster/cluster-resources.ts';
import type { ClusterSession } from '../../../main/core/cluster/cluster-session.ts';
import type { CacheChange, WatchCache } from '../../../main/core/cluster/watch-cache.ts';
import { createSnapshotCapture } from '../../../main/core/snapshots/snapshot-capture.ts';
import type { SnapshotStore } from '../../../main/core/snapshots/snapshot-store.ts';
import type { ContextStatus } from '../../../shared/api/contract.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

const settle = () => new Promise<void>((r) => setImmediate(r));

function fakeSession(objects: KubeObject[], synced = true, watched: WatchedKey[] = ['services']) {
  const listeners = new Set<(c: readonly CacheChange[]) => void>();
  const state = { synced, status: 'connected' as ContextStatus };
  const cache = {
    get synced() {
      return state.synced;
    },
    all: () => objects.values(),
    streams: () => watched.map((resource) => ({ resource, state: 'watching' })),
    onChange(l: (c: readonly CacheChange[]) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as WatchCache;
  const session = {
    contextName: 'prod',
    info: () => ({ contextName: 'prod', status: state.status, istioVersions: [], gatewayVersions: [] }),
    cache,
  } as unknown as ClusterSession;
  const change = (kind: string) => {
    const object: KubeObject = { apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'ns' } };
    for (const l of listeners) l([{ resource: 'services', type: 'upsert', object }]);
  };
  return { session, state, change, listeners };
}

function setup() {
  const clock = createManualClock(Date.parse('2026-03-01T10:00:00Z'));
  const saves: Array<{ capturedAt: string; kinds: string[]; at: number }> = [];
  const headers: Array<Record<string, unknown>> = [];
  const store: Pick<SnapshotStore, 'save'> = {
    async save(header, objects) {
      const list = [...objects];
      headers.push(header);
      saves.push({ capturedAt: header.capturedAt, kinds: list.map((o) => o.kind), at: clock.now() });
      return { file: 'f', bytes: 1, objects: list.length, serializeMs: 0, longestBlockMs: 0, writeMs: 0 };
    },
  };
  const capture = createSnapshotCapture({
    store,
    clock,
    describe: async () => ({ contextName: 'prod', cluster: 'c' }),
  });
  const advance = async (ms: number) => {
    clock.advance(ms);
    await settle();
  };
  const start = clock.now();
  return { clock, saves, headers, capture, advance, since: (at: number) => at - start };
}

const OBJECTS: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'bookinfo' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews-1', namespace: 'bookinfo' } },
];

describe('snapshot capture', () => {
  it('writes the snapshot kinds about 2 s after a synced session is followed, not before', async () => {
    const { saves, capture, advance } = setup();
    capture.track('kube:prod', fakeSession(OBJECTS).session);
    await advance(1_900);
    expect(saves).toHaveLength(0);
    await advance(100);
    expect(saves).toEqual([
      { capturedAt: '2026-03-01T10:00:02.000Z', kinds: ['Service'], at: expect.any(Number) },
    ]);
  });

  it('says in the header whether the session watched ReferenceGrants (offline, they are judged only then)', async () => {
    const { headers, capture, advance } = setup();
    capture.track('kube:a', fakeSession(OBJECTS, true, ['services', 'referencegrants']).session);
    capture.track('kube:b', fakeSession(OBJECTS).session);
    await advance(2_000);
    expect(headers.map((h) => [h.contextId, h.referenceGrants])).toEqual([
      ['kube:a', 'watched'],
      ['kube:b', undefined],
    ]);
  });

  it('debounces a burst of changes into one trailing write and ignores pod changes', async () => {
    const { saves, capture, advance, since } = setup();
    const s = fakeSession(OBJECTS);
    capture.track('kube:prod', s.session);
    await advance(2_000);
    expect(saves).toHaveLength(1);
    await advance(20_000);
    s.change('Pod');
    s.change('ReplicaSet');
    await advance(30_000);
    expect(saves).toHaveLength(1);
    for (let i = 0; i < 4; i++) {
      s.change('VirtualService');
      await advance(500);
    }
    await advance(1_400);
    expect(saves).toHaveLength(1);
    await advance(100);
    expect(saves).toHaveLength(2);
    expect(since(saves[1]?.at ?? 0)).toBe(2_000 + 20_000 + 30_000 + 1_500 + 2_000);
  });

  it('writes at most once per 10 s and at most 10 s behind a cache that never stops changing', async () => {
    const { saves, capture, advance, since } = setup();
    const s = fakeSession(OBJECTS);
    capture.track('kube:prod', s.session);
    await advance(2_000);
    for (let t = 0; t < 25_000; t += 1_000) {
      s.change('Deployment');
      await advance(1_000);
    }
    expect(saves.map((w) => since(w.at))).toEqual([2_000, 12_000, 22_000]);
  });

  it('waits for the cache to list everything, and writes nothing for a session that failed', async () => {
    const { saves, capture, advance } = setup();
    const s = fakeSession(OBJECTS, false);
    capture.track('kube:prod', s.session);
    await advance(10_000);
    expect(saves).toHaveLength(0);
    s.state.synced = true;
    await advance(2_000);
    expect(saves).toHaveLength(1);
    s.state.status = 'error';
    s.change('Service');
    await advance(30_000);
    expect(saves).toHaveLength(1);
  });

  it('flushes a pending write at once, and on untrack stops following the cache', async () => {
    const { saves, capture, advance } = setup();
    const s = fakeSession(OBJECTS);
    capture.track('kube:prod', s.session);
    await capture.flush();
    expect(saves).toHaveLength(1);
    s.change('Service');
    await capture.untrack('kube:prod');
    expect(saves).toHaveLength(2);
    expect(s.listeners.size).toBe(0);
    s.change('Service');
    await advance(60_000);
    expect(saves).toHaveLength(2);
  });

  it('writes what is pending on dispose and nothing after', async () => {
    const { saves, capture, advance } = setup();
    const s = fakeSession(OBJECTS);
    capture.track('kube:prod', s.session);
    await capture.dispose();
    expect(saves).toHaveLength(1);
    capture.track('kube:prod', fakeSession(OBJECTS).session);
    await advance(60_000);
    expect(saves).toHaveLength(1);
  });
});
