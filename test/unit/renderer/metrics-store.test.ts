import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { colorKey, createMetricsStore, mergeSnapshot } from '../../../renderer/src/stores/metrics-store.ts';
import type { MetricsSnapshot, VersionSeries } from '../../../shared/api/metrics-schemas.ts';
import { colorOf } from '../../../shared/metrics/version-colors.ts';

function snapshot(versions: string[], mode: 'replace' | 'append' = 'replace'): MetricsSnapshot {
  return {
    contextId: 'demo',
    releaseId: 'r',
    mode,
    state: 'live',
    source: { kind: 'url', description: 'fake' },
    intervalMs: 5000,
    windowSeconds: 300,
    stepSeconds: 5,
    count4xxAsErrors: false,
    canaries: [],
    series: versions.map((version) => ({
      version,
      inRelease: true,
      t: [1],
      rps: [1],
      successRate: [100],
      p50: [1],
      p95: [1],
      p99: [1],
    })),
    latest: [],
    verdicts: [],
    queries: 2,
    updatedAt: 1,
  };
}

function fakeApi() {
  const calls: Array<{ channel: string; request: unknown }> = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const api = {
    async call(channel: string, request: unknown) {
      calls.push({ channel, request });
      if (channel === 'metrics.subscribe') return { ok: true, value: snapshot(['v1', 'v2']) };
      if (channel === 'history.list') return { ok: true, value: { entries: [] } };
      return { ok: false, error: { code: 'unavailable', message: 'test' } };
    },
    on(event: string, listener: (payload: unknown) => void) {
      listeners.set(event, listener);
      return () => {};
    },
  } as unknown as ApiClient;
  return { api, calls, emit: (event: string, payload: unknown) => listeners.get(event)?.(payload) };
}

describe('the metrics store', () => {
  it('says whether its page is in view as it subscribes (a reloaded page does not inherit a hidden flag)', async () => {
    const { api, calls } = fakeApi();
    const store = createMetricsStore(api);
    await store.getState().show('demo', 'r');
    const sub = calls.find((c) => c.channel === 'metrics.subscribe');
    expect(sub?.request).toMatchObject({ contextId: 'demo', releaseId: 'r', visible: true });
  });

  it('keeps each version its colour when versions appear in and vanish from the charts', async () => {
    const { api, emit } = fakeApi();
    const store = createMetricsStore(api);
    store.getState().noteVersions('demo', 'r', ['v1', 'v2']);
    const book = () => store.getState().colors[colorKey('demo', 'r')] ?? {};
    const first = { v1: colorOf(book(), 'v1'), v2: colorOf(book(), 'v2') };
    await store.getState().show('demo', 'r');
    // Traffic to a version outside the route shows up, then v1 leaves the route.
    emit('metrics.update', snapshot(['v1', 'v2', 'v9'], 'append'));
    store.getState().noteVersions('demo', 'r', ['v2']);
    expect(colorOf(book(), 'v1')).toBe(first.v1);
    expect(colorOf(book(), 'v2')).toBe(first.v2);
    expect(new Set([first.v1, first.v2, colorOf(book(), 'v9')]).size).toBe(3);
  });
});

describe('merging appended points', () => {
  it('trims a version the update no longer mentions to the window, like the others', () => {
    const held = snapshot(['v1', 'old']);
    for (const s of held.series) {
      s.t = [1000, 2000, 3000];
      s.rps = [1, 2, 3];
      s.successRate = [100, 100, 100];
      s.p50 = [1, 1, 1];
      s.p95 = [1, 1, 1];
      s.p99 = [1, 1, 1];
    }
    const update = snapshot(['v1'], 'append');
    update.windowSeconds = 2;
    update.updatedAt = 4500;
    update.series[0] = { ...(update.series[0] as VersionSeries), t: [4000], rps: [4] };
    const merged = mergeSnapshot(held, update);
    expect(merged.series.find((s) => s.version === 'v1')?.t).toEqual([3000, 4000]);
    expect(merged.series.find((s) => s.version === 'old')?.t).toEqual([3000]);
    expect(merged.series.find((s) => s.version === 'old')?.rps).toEqual([3]);
  });
});
