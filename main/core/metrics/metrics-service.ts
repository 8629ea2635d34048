import { ApiFailure } from '../../../shared/api/errors.ts';
import type {
  MetricsSnapshot,
  PrometheusSettingsView,
  PrometheusSourceView,
} from '../../../shared/api/metrics-schemas.ts';
import type { ServiceRelease } from '../../../shared/mesh/release-model.ts';
import type { ApiHandlers, EventSink } from '../api-dispatch.ts';
import { createBackoff } from '../cluster/backoff.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { MetricsSubscription, SubscriptionSpec } from './metrics-subscription.ts';
import {
  createMetricsSubscription,
  DEFAULT_INTERVAL_MS,
  DEFAULT_WINDOW_SECONDS,
  rolesOf,
  stepSecondsFor,
} from './metrics-subscription.ts';
import type { PrometheusClient } from './prometheus-client.ts';
import { createPrometheusClient, kubeProxyTransport, urlTransport } from './prometheus-client.ts';
import type { PrometheusSettingsStore } from './prometheus-settings-store.ts';

export type MetricsCalls = Pick<
  ApiHandlers,
  | 'metrics.subscribe'
  | 'metrics.unsubscribe'
  | 'metrics.visibility'
  | 'metrics.settings.get'
  | 'metrics.settings.set'
>;

export interface MetricsServiceDependencies {
  /** The open session of a context (throws a clear ApiFailure when it is not open). */
  session(contextId: string): ClusterSession;
  settings: PrometheusSettingsStore;
  emit: EventSink;
  now?: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
  verdictWindowSeconds?: number;
  /** For tests: a client instead of the one the session or settings lead to. */
  clientFor?: (
    contextId: string,
  ) => Promise<{ client: PrometheusClient; source: PrometheusSourceView } | undefined>;
}

const SYNC_TIMEOUT_MS = 15_000;
const HOW_TO_SET =
  'Set a Prometheus URL for this context under "Prometheus for this context" (with a token or user if it needs one).';

interface Active {
  key: string;
  sub?: MetricsSubscription;
  spec: SubscriptionSpec;
  timer: NodeJS.Timeout;
  busy: boolean;
  retryAt: number;
  backoff: ReturnType<typeof createBackoff>;
}

/**
 * Live metrics behind the contract: one subscription at a time (the service on screen), one
 * batch of queries per interval, nothing while the window is hidden.
 */
export function createMetricsService(deps: MetricsServiceDependencies): MetricsCalls & {
  dispose(): void;
  /** The Prometheus the charts of a context read (the release wizard's promote gate asks it too). */
  prometheusFor(contextId: string): Promise<{ client: PrometheusClient } | { none: string }>;
} {
  const now = deps.now ?? Date.now;
  let active: Active | undefined;
  let visible = true;

  async function clientFor(
    contextId: string,
  ): Promise<{ client: PrometheusClient; source: PrometheusSourceView } | { none: string }> {
    if (deps.clientFor) return (await deps.clientFor(contextId)) ?? { none: 'no Prometheus in this test' };
    const timeoutMs = deps.timeoutMs ?? 10_000;
    const setting = await deps.settings.get(contextId);
    if (setting) {
      const transport = urlTransport(setting.url, setting.auth, deps.fetch);
      return {
        client: createPrometheusClient({ transport, timeoutMs }),
        source: { kind: 'url', description: transport.description },
      };
    }
    const session = deps.session(contextId);
    const where = session.info().prometheus;
    if (where?.kind === 'url') {
      const transport = urlTransport(where.url, { kind: 'none' }, deps.fetch);
      return {
        client: createPrometheusClient({ transport, timeoutMs }),
        source: { kind: 'url', description: transport.description },
      };
    }
    if (where?.kind === 'service' && session.client) {
      const description = `Prometheus service ${where.namespace}/${where.name}:${where.port} (through the API server)`;
      return {
        client: createPrometheusClient({
          transport: kubeProxyTransport(session.client, where.proxyPath, description),
          timeoutMs,
        }),
        source: { kind: 'service', description },
      };
    }
    return {
      none: where?.kind === 'none' ? where.reason : 'the cluster has not been probed for Prometheus yet',
    };
  }

  async function releaseOf(contextId: string, releaseId: string): Promise<() => ServiceRelease | undefined> {
    const session = deps.session(contextId);
    const { cache, releases } = session;
    if (!cache || !releases) throw new ApiFailure('unavailable', `context '${contextId}' is not connected`);
    if (!cache.synced) {
      await cache.whenSynced(SYNC_TIMEOUT_MS).catch(() => {
        throw new ApiFailure('timeout', `the cluster of '${contextId}' did not list its objects in time`);
      });
      releases.flush();
    }
    if (!releases.get(releaseId)) releases.flush();
    if (!releases.get(releaseId))
      throw new ApiFailure(
        'not-found',
        `no service '${releaseId}' in this cluster (it may have been deleted)`,
      );
    return () => session.releases?.get(releaseId);
  }

  function stop() {
    if (active) clearInterval(active.timer);
    active = undefined;
  }

  async function tick(a: Active, force = false): Promise<MetricsSnapshot | null> {
    if (!a.sub || a.busy || (!force && (!visible || now() < a.retryAt))) return null;
    a.busy = true;
    try {
      const snapshot = await a.sub.refresh();
      a.backoff.reset();
      a.retryAt = 0;
      return snapshot;
    } catch (err) {
      // The interval keeps running; failures space the next attempts out until one succeeds.
      a.retryAt = now() + a.backoff.next();
      return a.sub.stateOnly('error', (err as Error).message);
    } finally {
      a.busy = false;
    }
  }

  async function start(spec: SubscriptionSpec): Promise<MetricsSnapshot> {
    stop();
    const release = await releaseOf(spec.contextId, spec.releaseId);
    const key = `${spec.contextId}\u0000${spec.releaseId}`;
    const found = await clientFor(spec.contextId);
    const a: Active = {
      key,
      spec,
      busy: false,
      retryAt: 0,
      backoff: createBackoff({ initialMs: spec.intervalMs, maxMs: 60_000 }),
      timer: setInterval(() => {
        if (active !== a) return;
        void tick(a).then((snapshot) => {
          if (snapshot && active === a) deps.emit('metrics.update', snapshot);
        });
      }, spec.intervalMs),
    };
    a.timer.unref?.();
    active = a;
    if ('none' in found) {
      clearInterval(a.timer);
      const roles = rolesOf(release());
      return {
        contextId: spec.contextId,
        releaseId: spec.releaseId,
        mode: 'replace',
        state: 'no-prometheus',
        message: `No Prometheus found: ${found.none}. ${HOW_TO_SET}`,
        source: { kind: 'none', reason: found.none },
        intervalMs: spec.intervalMs,
        windowSeconds: spec.windowSeconds,
        stepSeconds: stepSecondsFor(spec.windowSeconds, spec.intervalMs),
        count4xxAsErrors: spec.count4xxAsErrors,
        ...(roles.stable ? { stable: roles.stable } : {}),
        canaries: roles.canaries,
        series: [],
        latest: [],
        verdicts: [],
        queries: 0,
        updatedAt: now(),
      };
    }
    a.sub = createMetricsSubscription(spec, {
      client: found.client,
      source: found.source,
      release,
      now,
      ...(deps.verdictWindowSeconds !== undefined ? { verdictWindowSeconds: deps.verdictWindowSeconds } : {}),
    });
    const first = await tick(a, true);
    if (!visible)
      return {
        ...(first ?? a.sub.stateOnly('paused')),
        state: first?.state === 'error' ? 'error' : 'paused',
      };
    return first ?? a.sub.stateOnly('paused');
  }

  function settingsView(
    contextId: string,
    s: Awaited<ReturnType<PrometheusSettingsStore['get']>>,
  ): PrometheusSettingsView {
    return { contextId, url: s?.url ?? null, authKind: s?.auth.kind ?? 'none' };
  }

  return {
    async 'metrics.subscribe'(req) {
      return start({
        contextId: req.contextId,
        releaseId: req.releaseId,
        intervalMs: req.intervalMs ?? DEFAULT_INTERVAL_MS,
        windowSeconds: req.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
        count4xxAsErrors: req.count4xxAsErrors ?? false,
      });
    },
    async 'metrics.unsubscribe'({ contextId, releaseId }) {
      const had = active?.key === `${contextId}\u0000${releaseId}`;
      if (had) stop();
      return { unsubscribed: had };
    },
    async 'metrics.visibility'({ visible: v }) {
      const wasHidden = !visible;
      visible = v;
      const a = active;
      // Back in view: catch up at once with one append batch instead of waiting for the interval.
      if (v && wasHidden && a)
        void tick(a, true).then((snapshot) => {
          if (snapshot && active === a) deps.emit('metrics.update', snapshot);
        });
      return { paused: !visible };
    },
    async 'metrics.settings.get'({ contextId }) {
      return settingsView(contextId, await deps.settings.get(contextId));
    },
    async 'metrics.settings.set'({ contextId, url, auth }) {
      if (url === null) await deps.settings.set(contextId, undefined);
      else {
        if (!/^https?:\/\//i.test(url))
          throw new ApiFailure(
            'invalid-request',
            `the Prometheus URL must start with http:// or https:// (got ${url})`,
          );
        const before = await deps.settings.get(contextId);
        const keep = before && before.url === url ? before.auth : { kind: 'none' as const };
        await deps.settings.set(contextId, { url, auth: auth ?? keep });
      }
      // A subscription on this context now reads from the new place.
      if (active && active.spec.contextId === contextId) {
        const spec = active.spec;
        void start(spec).then(
          (snapshot) => deps.emit('metrics.update', snapshot),
          () => {},
        );
      }
      return settingsView(contextId, await deps.settings.get(contextId));
    },
    dispose() {
      stop();
    },
    prometheusFor: (contextId) => clientFor(contextId),
  };
}
