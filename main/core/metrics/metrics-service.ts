import type { CallName } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type {
  MetricsSnapshot,
  PrometheusSettingsView,
  PrometheusSourceView,
} from '../../../shared/api/metrics-schemas.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { ApiHandlers, EventSink } from '../api-dispatch.ts';
import { LOCAL_CALLER } from '../api-dispatch.ts';
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

type Call<C extends CallName> = ApiHandlers[C];

/** Live per-version metrics for the pages, and where each context's Prometheus is: what the metrics.* calls adapt. */
export interface MetricsService {
  subscribe: Call<'metrics.subscribe'>;
  unsubscribe: Call<'metrics.unsubscribe'>;
  setVisibility: Call<'metrics.visibility'>;
  getSettings: Call<'metrics.settings.get'>;
  setSettings: Call<'metrics.settings.set'>;
  /** The Prometheus the charts of a context read (the release wizard's promote gate asks it too). */
  prometheusFor(contextId: string): Promise<{ client: PrometheusClient } | { none: string }>;
  /** A page or window went away (socket closed, window destroyed, page reloaded): drop what it watched. */
  dropClient(clientId: string): void;
  dispose(): void;
}

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
/** Until a fresh subscription has delivered its first point, it looks again this often. */
export const FIRST_POINT_RETRY_MS = 1000;
const HOW_TO_SET =
  'Set a Prometheus URL for this context under "Prometheus for this context" (with a token or user if it needs one).';

interface Active {
  clientId: string;
  key: string;
  sub?: MetricsSubscription;
  spec: SubscriptionSpec;
  timer: NodeJS.Timeout;
  /** The quick look-again of a subscription that has not delivered a point yet. */
  chase?: NodeJS.Timeout;
  delivered: boolean;
  /** Chasing the first point lasts one interval at most; then the interval takes over. */
  chaseUntil: number;
  busy: boolean;
  retryAt: number;
  backoff: ReturnType<typeof createBackoff>;
}

/** One page (browser mode socket) or window (Electron webContents): what it watches, and whether it can be seen. */
interface Client {
  visible: boolean;
  active?: Active;
}

const hasPoints = (s: MetricsSnapshot) => s.series.some((v) => v.t.length > 0);

/**
 * Live metrics behind the contract, per client: each page or window has one subscription at a
 * time (the service it shows), one batch of queries per interval, nothing while that page is
 * hidden. Another page hiding, reloading or closing does not touch it.
 */
/** The Prometheus the charts of a context read: the URL set in settings, else the one found. */
async function clientFor(
  deps: MetricsServiceDependencies,
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

/** The release of a synced session, read again on each call (throws a clear failure). */
async function releaseOf(
  sessionOf: MetricsServiceDependencies['session'],
  contextId: string,
  releaseId: string,
): Promise<() => ServiceRelease | undefined> {
  const session = sessionOf(contextId);
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
    throw new ApiFailure('not-found', `no service '${releaseId}' in this cluster (it may have been deleted)`);
  return () => session.releases?.get(releaseId);
}

function settingsView(
  contextId: string,
  s: Awaited<ReturnType<PrometheusSettingsStore['get']>>,
): PrometheusSettingsView {
  return { contextId, url: s?.url ?? null, authKind: s?.auth.kind ?? 'none' };
}

/** What a subscription answers when the context has no Prometheus to read. */
function noPrometheusSnapshot(
  spec: SubscriptionSpec,
  reason: string,
  release: ServiceRelease | undefined,
  at: number,
): MetricsSnapshot {
  const roles = rolesOf(release);
  return {
    contextId: spec.contextId,
    releaseId: spec.releaseId,
    mode: 'replace',
    state: 'no-prometheus',
    message: `No Prometheus found: ${reason}. ${HOW_TO_SET}`,
    source: { kind: 'none', reason: reason },
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
    updatedAt: at,
  };
}

/** The pages that watch metrics and their one live subscription each, polled on a timer. */
function createMetricsRuntime(deps: MetricsServiceDependencies) {
  const now = deps.now ?? Date.now;
  const clients = new Map<string, Client>();

  function clientOf(clientId: string): Client {
    let c = clients.get(clientId);
    if (!c) {
      c = { visible: true };
      clients.set(clientId, c);
    }
    return c;
  }

  const isCurrent = (a: Active) => clients.get(a.clientId)?.active === a;

  function halt(a: Active | undefined) {
    if (!a) return;
    clearInterval(a.timer);
    clearTimeout(a.chase);
  }

  function stop(clientId: string) {
    const c = clients.get(clientId);
    if (!c) return;
    halt(c.active);
    c.active = undefined;
  }

  async function tick(a: Active, force = false): Promise<MetricsSnapshot | null> {
    const visible = clients.get(a.clientId)?.visible ?? false;
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

  /** Sends a snapshot to the client that owns the subscription, if it still does. */
  function deliver(a: Active, snapshot: MetricsSnapshot | null) {
    if (!snapshot || !isCurrent(a)) return;
    if (snapshot.state === 'live' && hasPoints(snapshot)) a.delivered = true;
    deps.emit('metrics.update', snapshot, a.clientId);
  }

  /**
   * A fresh subscription (a page just reloaded) whose first answer had no point yet looks again
   * every FIRST_POINT_RETRY_MS, for one interval at most, instead of waiting a whole interval.
   */
  function chase(a: Active) {
    if (a.delivered || !isCurrent(a) || a.spec.intervalMs <= FIRST_POINT_RETRY_MS) return;
    if (now() + FIRST_POINT_RETRY_MS >= a.chaseUntil) return;
    // A hidden page is caught up when it shows again, and chased from there.
    if (!clients.get(a.clientId)?.visible) return;
    a.chase = setTimeout(() => {
      void tick(a).then((snapshot) => {
        deliver(a, snapshot);
        chase(a);
      });
    }, FIRST_POINT_RETRY_MS);
    a.chase.unref?.();
  }

  async function start(clientId: string, spec: SubscriptionSpec): Promise<MetricsSnapshot> {
    stop(clientId);
    const client = clientOf(clientId);
    const release = await releaseOf(deps.session, spec.contextId, spec.releaseId);
    const key = `${spec.contextId}\u0000${spec.releaseId}`;
    const found = await clientFor(deps, spec.contextId);
    const a: Active = {
      clientId,
      key,
      spec,
      busy: false,
      delivered: false,
      chaseUntil: now() + spec.intervalMs,
      retryAt: 0,
      backoff: createBackoff({ initialMs: spec.intervalMs, maxMs: 60_000 }),
      timer: setInterval(() => {
        if (isCurrent(a)) void tick(a).then((snapshot) => deliver(a, snapshot));
      }, spec.intervalMs),
    };
    a.timer.unref?.();
    // Two subscribes of one page may overlap (a window changed twice): the later one wins, and
    // the earlier one's timer stops here rather than ticking on unseen.
    // The page went away while its subscription was being set up: nothing may tick for it.
    if (clients.get(clientId) !== client) {
      clearInterval(a.timer);
      throw new ApiFailure('unavailable', 'the page that asked for these metrics has gone');
    }
    halt(client.active);
    client.active = a;
    if ('none' in found) {
      clearInterval(a.timer);
      return noPrometheusSnapshot(spec, found.none, release(), now());
    }
    a.sub = createMetricsSubscription(spec, {
      client: found.client,
      source: found.source,
      release,
      now,
      ...(deps.verdictWindowSeconds !== undefined ? { verdictWindowSeconds: deps.verdictWindowSeconds } : {}),
    });
    const first = await tick(a, true);
    if (first?.state === 'live' && hasPoints(first)) a.delivered = true;
    else chase(a);
    if (!client.visible)
      return {
        ...(first ?? a.sub.stateOnly('paused')),
        state: first?.state === 'error' ? 'error' : 'paused',
      };
    return first ?? a.sub.stateOnly('paused');
  }

  return { now, clients, clientOf, stop, start, tick, deliver, chase };
}

export function createMetricsService(deps: MetricsServiceDependencies): MetricsService {
  const { now, clients, clientOf, stop, start, tick, deliver, chase } = createMetricsRuntime(deps);

  return {
    async subscribe(req, caller = LOCAL_CALLER) {
      // The page says whether it is in view as it subscribes: a reloaded page starts from its own state.
      if (req.visible !== undefined) clientOf(caller.clientId).visible = req.visible;
      return start(caller.clientId, {
        contextId: req.contextId,
        releaseId: req.releaseId,
        intervalMs: req.intervalMs ?? DEFAULT_INTERVAL_MS,
        windowSeconds: req.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
        count4xxAsErrors: req.count4xxAsErrors ?? false,
      });
    },
    async unsubscribe({ contextId, releaseId }, caller = LOCAL_CALLER) {
      const had = clients.get(caller.clientId)?.active?.key === `${contextId}\u0000${releaseId}`;
      if (had) stop(caller.clientId);
      return { unsubscribed: had };
    },
    async setVisibility({ visible }, caller = LOCAL_CALLER) {
      const client = clientOf(caller.clientId);
      const wasHidden = !client.visible;
      client.visible = visible;
      const a = client.active;
      // Back in view: catch up at once with one append batch instead of waiting for the interval.
      if (visible && wasHidden && a) {
        a.chaseUntil = now() + a.spec.intervalMs;
        void tick(a, true).then((snapshot) => {
          deliver(a, snapshot);
          chase(a);
        });
      }
      return { paused: !visible };
    },
    async getSettings({ contextId }) {
      return settingsView(contextId, await deps.settings.get(contextId));
    },
    async setSettings({ contextId, url, auth }) {
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
      // Every page's subscription on this context now reads from the new place.
      for (const [clientId, client] of clients) {
        const spec = client.active?.spec;
        if (spec?.contextId !== contextId) continue;
        void start(clientId, spec).then(
          (snapshot) => deps.emit('metrics.update', snapshot, clientId),
          () => {},
        );
      }
      return settingsView(contextId, await deps.settings.get(contextId));
    },
    dropClient(clientId) {
      stop(clientId);
      clients.delete(clientId);
    },
    dispose() {
      for (const clientId of clients.keys()) stop(clientId);
      clients.clear();
    },
    prometheusFor: (contextId) => clientFor(deps, contextId),
  };
}
