// Subscriptions belong to the page or window that opened them (issue 18): one page hiding,
// reloading or closing leaves every other page's live metrics running.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterSession } from '../../../main/core/cluster/cluster-session.ts';
import { createMetricsService, FIRST_POINT_RETRY_MS } from '../../../main/core/metrics/metrics-service.ts';
import type { PrometheusClient } from '../../../main/core/metrics/prometheus-client.ts';
import type { MetricsSnapshot } from '../../../shared/api/metrics-schemas.ts';
import { FAST, fakePrometheus, fakeRelease } from './metrics-fixtures.ts';

const release = fakeRelease(['v1', 'v2'], [90, 10]);
const session = {
  info: () => ({ contextName: 'prod', status: 'connected', prometheus: { kind: 'url', url: 'http://x' } }),
  cache: { synced: true },
  releases: { get: (id: string) => (id === release.id ? release : undefined), flush() {} },
} as unknown as ClusterSession;

const pageA = { clientId: 'page-a' };
const pageB = { clientId: 'page-b' };
const request = { contextId: 'kube:prod', releaseId: release.id, intervalMs: 1000, windowSeconds: 300 };

function rig(client: PrometheusClient = fakePrometheus({ v1: { rps: 9, errors: 0, latency: FAST } })) {
  const sent: Array<{ to: string | undefined; snapshot: MetricsSnapshot }> = [];
  const service = createMetricsService({
    session: () => session,
    settings: { get: async () => undefined, set: async () => {}, problems: async () => [] },
    emit: (event, payload, to) => {
      if (event === 'metrics.update') sent.push({ to, snapshot: payload as MetricsSnapshot });
    },
    clientFor: async () => ({ client, source: { kind: 'url', description: 'fake' } }),
  });
  const pointsFor = (clientId: string) =>
    sent.filter((s) => s.to === clientId && s.snapshot.series.some((v) => v.t.length > 0)).length;
  return { service, sent, pointsFor };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('live metrics per page', () => {
  it('keeps streaming to a page while another page is hidden, and sends each page only its own', async () => {
    const { service, sent, pointsFor } = rig();
    expect((await service.subscribe(request, pageA)).state).toBe('live');
    expect((await service.subscribe(request, pageB)).state).toBe('live');
    expect(await service.setVisibility({ visible: false }, pageA)).toEqual({ paused: true });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pointsFor('page-b')).toBeGreaterThan(0);
    expect(pointsFor('page-a')).toBe(0);
    expect(sent.every((s) => s.to === 'page-a' || s.to === 'page-b')).toBe(true);
    service.dispose();
  });

  it('keeps streaming to a page after another page closes', async () => {
    const { service, pointsFor } = rig();
    await service.subscribe(request, pageA);
    await service.subscribe(request, pageB);
    service.dropClient('page-a');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pointsFor('page-b')).toBeGreaterThan(0);
    expect(pointsFor('page-a')).toBe(0);
    // The closed page's subscription is gone: nothing is left to unsubscribe.
    expect(await service.unsubscribe(request, pageA)).toEqual({ unsubscribed: false });
    expect(await service.unsubscribe(request, pageB)).toEqual({ unsubscribed: true });
    service.dispose();
  });

  it('answers a reloaded page live, whatever the page before it said', async () => {
    const { service } = rig();
    await service.subscribe(request, pageA);
    await service.setVisibility({ visible: false }, pageA);
    // The reload: the old page's socket closes, the new page subscribes saying it is in view.
    service.dropClient('page-a');
    const fresh = await service.subscribe({ ...request, visible: true }, { clientId: 'page-a2' });
    expect(fresh.state).toBe('live');
    expect(fresh.mode).toBe('replace');
    expect(fresh.series.some((s) => s.t.length > 0)).toBe(true);
    // A page that subscribes while hidden is paused, and only that page.
    const hidden = await service.subscribe({ ...request, visible: false }, pageB);
    expect(hidden.state).toBe('paused');
    service.dispose();
  });

  it('delivers the first point of a fresh subscription within a second, not a whole interval later', async () => {
    const full = fakePrometheus({ v1: { rps: 9, errors: 0, latency: FAST } });
    let empty = true;
    const client: PrometheusClient = {
      ...full,
      range: async (...args) => (empty ? [] : full.range(...args)),
    };
    const { service, sent } = rig(client);
    const first = await service.subscribe({ ...request, intervalMs: 60_000 }, pageA);
    expect(first.series.every((s) => s.t.length === 0)).toBe(true);
    empty = false;
    await vi.advanceTimersByTimeAsync(5 * FIRST_POINT_RETRY_MS);
    const withPoints = sent.filter((s) => s.to === 'page-a' && s.snapshot.series.some((v) => v.t.length > 0));
    expect(withPoints.length).toBe(1);
    // Once a point is out, the subscription goes back to its own interval.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent.filter((s) => s.to === 'page-a').length).toBe(withPoints.length);
    service.dispose();
  });

  it('stops the earlier of two overlapping subscribes of one page', async () => {
    const { service, sent } = rig();
    await Promise.all([
      service.subscribe(request, pageA),
      service.subscribe({ ...request, windowSeconds: 900 }, pageA),
    ]);
    sent.length = 0;
    await vi.advanceTimersByTimeAsync(20_000);
    const windows = new Set(sent.map((s) => s.snapshot.windowSeconds));
    expect(windows).toEqual(new Set([900]));
    service.dispose();
  });

  it('starts nothing for a page that closed while its subscribe was still being set up', async () => {
    const prom = fakePrometheus({ v1: { rps: 9, errors: 0, latency: FAST } });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const sent: unknown[] = [];
    const service = createMetricsService({
      session: () => session,
      settings: { get: async () => undefined, set: async () => {}, problems: async () => [] },
      emit: (_event, payload) => sent.push(payload),
      clientFor: async () => {
        await gate;
        return { client: prom, source: { kind: 'url', description: 'fake' } };
      },
    });
    const pending = service.subscribe(request, pageA);
    service.dropClient('page-a');
    release();
    await expect(pending).rejects.toThrow('the page that asked for these metrics has gone');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toEqual([]);
    expect(prom.exprs).toEqual([]);
    service.dispose();
  });
});
