import { describe, expect, it } from 'vitest';
import type { ClusterSession } from '../../../main/core/cluster/cluster-session.ts';
import { latencyQuery, requestsQuery, targetOf } from '../../../main/core/metrics/istio-metrics-queries.ts';
import { createMetricsService } from '../../../main/core/metrics/metrics-service.ts';
import {
  createMetricsSubscription,
  stepSecondsFor,
} from '../../../main/core/metrics/metrics-subscription.ts';
import type { PrometheusSettingsStore } from '../../../main/core/metrics/prometheus-settings-store.ts';
import { MetricsSnapshot } from '../../../shared/api/metrics-schemas.ts';
import { FAST, fakePrometheus, fakeRelease, SLOW } from './metrics-fixtures.ts';

const release = fakeRelease(['v1', 'v2', 'v3', 'v4'], [70, 10, 10, 10]);
const behaviour = {
  v1: { rps: 70, errors: 0.002, latency: FAST },
  v2: { rps: 10, errors: 0.002, latency: FAST },
  v3: { rps: 10, errors: 0.02, latency: SLOW },
  v4: { rps: 10, errors: 0.002, latency: FAST },
};

function fakeSession(
  prometheus: NonNullable<ReturnType<ClusterSession['info']>['prometheus']>,
): ClusterSession {
  return {
    contextName: 'prod',
    info: () => ({
      contextName: 'prod',
      status: 'connected',
      istioVersions: ['v1'],
      gatewayVersions: [],
      prometheus,
    }),
    cache: { synced: true },
    releases: { get: (id: string) => (id === release.id ? release : undefined), flush() {} },
    client: undefined,
  } as unknown as ClusterSession;
}

const noSettings: PrometheusSettingsStore = {
  get: async () => undefined,
  set: async () => {},
  problems: async () => [],
};

describe('one refresh of a service with four versions', () => {
  it('runs two queries, one per metric family, whatever the number of versions', async () => {
    const prom = fakePrometheus(behaviour);
    let now = 1_000_000_000_000;
    const sub = createMetricsSubscription(
      {
        contextId: 'c',
        releaseId: release.id,
        intervalMs: 5000,
        windowSeconds: 300,
        count4xxAsErrors: false,
      },
      { client: prom, source: { kind: 'url', description: 'fake' }, release: () => release, now: () => now },
    );
    const first = await sub.refresh();
    expect(prom.exprs).toHaveLength(2);
    expect(MetricsSnapshot.parse(first)).toBeTruthy();
    expect(first?.mode).toBe('replace');
    expect(first?.series.map((s) => s.version)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(first?.series[0]?.t).toHaveLength(300 / 5);
    expect(first?.latest.find((l) => l.version === 'v3')?.successRate).toBeCloseTo(98, 6);
    expect(first?.verdicts.map((v) => [v.canary, v.status])).toEqual([
      ['v2', 'healthy'],
      ['v3', 'worse'],
      ['v4', 'healthy'],
    ]);
    expect(await sub.refresh()).toBeNull();
    now += 5000;
    const next = await sub.refresh();
    expect(prom.exprs).toHaveLength(4);
    expect(next?.mode).toBe('append');
    expect(next?.series[0]?.t).toHaveLength(1);
  });

  it('builds queries that select the server-side reporter (sidecar or waypoint) of the service and group by version', () => {
    const target = targetOf(release);
    const host = 'reviews\\\\.bookinfo\\\\.svc\\\\.cluster\\\\.local';
    expect(requestsQuery(target, 60)).toBe(
      'sum by (reporter, destination_service, destination_version, destination_canonical_revision, destination_workload, destination_workload_namespace, response_code) (' +
        `rate(istio_requests_total{reporter=~"destination|waypoint",destination_service=~"${host}"}[60s]) or ` +
        `rate(istio_requests_total{reporter="source",destination_workload="unknown",destination_service=~"${host}"}[60s]))`,
    );
    expect(latencyQuery(target, 60)).toContain('istio_request_duration_milliseconds_bucket');
    expect(
      target.versionOf({ destination_version: 'unknown', destination_canonical_revision: 'v2' }),
    ).toEqual({
      version: 'v2',
      inRelease: true,
    });
    expect(target.versionOf({ destination_version: 'v9' })).toEqual({ version: 'v9', inRelease: false });
    // A caller's report (no workload received it) is no version's, whatever else it says.
    expect(target.versionOf({ reporter: 'source', destination_version: 'v2' })).toEqual({
      version: 'not delivered',
      inRelease: false,
    });
  });

  it('queries a backend added while the view is open from the next refresh, reading the whole window again', async () => {
    // A host split (one Service per version, as Gateway API releases are): each version is its own
    // destination_service, so a version the queries were not built with is not in their answers.
    const hostSplit = (names: string[]) => {
      const r = fakeRelease(
        names,
        names.map(() => 0),
      );
      r.versions = r.versions.map((v) => ({ ...v, fqdn: `catalog-${v.name}.storefront.svc.cluster.local` }));
      return r;
    };
    let current = hostSplit(['v1', 'v2']);
    const prom = fakePrometheus(behaviour);
    let now = 1_000_000_000_000;
    const sub = createMetricsSubscription(
      {
        contextId: 'c',
        releaseId: current.id,
        intervalMs: 5000,
        windowSeconds: 300,
        count4xxAsErrors: false,
      },
      { client: prom, source: { kind: 'url', description: 'fake' }, release: () => current, now: () => now },
    );
    await sub.refresh();
    expect(prom.exprs[0]).not.toContain('catalog-v3');
    now += 5000;
    expect((await sub.refresh())?.mode).toBe('append');

    current = hostSplit(['v1', 'v2', 'v3']);
    now += 5000;
    const after = await sub.refresh();
    expect(prom.exprs.at(-2)).toContain('catalog-v3\\\\.storefront');
    expect(sub.queries.requests).toContain('catalog-v3');
    expect(after?.mode).toBe('replace');
    expect(after?.series.map((x) => x.version)).toContain('v3');
  });

  it('keeps charts to at most 240 steps and never finer than the interval', () => {
    expect(stepSecondsFor(300, 5000)).toBe(5);
    expect(stepSecondsFor(21_600, 5000)).toBe(120);
    expect(stepSecondsFor(900, 30_000)).toBe(30);
  });
});

describe('the metrics service', () => {
  it('answers a clear empty state, not an error, when the cluster has no Prometheus', async () => {
    const reason = 'no service named prometheus* in istio-system or monitoring';
    const service = createMetricsService({
      session: () => fakeSession({ kind: 'none', reason }),
      settings: noSettings,
      emit: () => {},
    });
    const s = await service.subscribe({ contextId: 'kube:prod', releaseId: release.id });
    expect(s.state).toBe('no-prometheus');
    expect(s.source).toEqual({ kind: 'none', reason });
    expect(s.message).toContain('Set a Prometheus URL for this context');
    expect(s.stable).toBe('v1');
    service.dispose();
  });

  it('turns a failed refresh into an error snapshot that names the problem', async () => {
    const service = createMetricsService({
      session: () => fakeSession({ kind: 'url', url: 'http://x' }),
      settings: noSettings,
      emit: () => {},
      clientFor: async () => ({
        source: { kind: 'url', description: 'Prometheus at http://x' },
        client: {
          ...fakePrometheus({}),
          range: async () => {
            throw new Error('cannot reach Prometheus at http://x: ECONNREFUSED');
          },
        },
      }),
    });
    const s = await service.subscribe({ contextId: 'kube:prod', releaseId: release.id });
    expect(s.state).toBe('error');
    expect(s.message).toBe('cannot reach Prometheus at http://x: ECONNREFUSED');
    service.dispose();
  });

  it('refuses a Prometheus URL that is not http(s)', async () => {
    const service = createMetricsService({
      session: () => fakeSession({ kind: 'none', reason: '-' }),
      settings: noSettings,
      emit: () => {},
    });
    await expect(
      service.setSettings({ contextId: 'kube:prod', url: 'ftp://prom', auth: { kind: 'none' } }),
    ).rejects.toThrow('the Prometheus URL must start with http:// or https:// (got ftp://prom)');
  });
});
