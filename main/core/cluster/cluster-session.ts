import type { ContextStatus } from '../../../shared/api/contract.ts';
import type { ExecCredentialProvider } from '../kubeconfig/exec-credential-plugin.ts';
import type { RequestCredentials } from '../kubeconfig/kube-client-config.ts';
import type { ContextResolution } from '../kubeconfig/kubeconfig-merge.ts';
import type { Permissions, PrometheusLocation } from './capabilities-probe.ts';
import { probeReachability } from './capabilities-probe.ts';
import type { Clock } from './clock.ts';
import type { SessionState } from './cluster-session-connect.ts';
import {
  connect,
  describeFailure,
  startCache,
  stopCache,
  update,
  withScope,
} from './cluster-session-connect.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import { listableResources, resolveWatchScope } from './namespace-scope.ts';
import type { ReadReleases, ReleaseIndex } from './release-index.ts';
import type { WatchCache, WatchCacheOptions } from './watch-cache.ts';

/** Per-context settings the operator can set. */
export interface SessionSettings {
  prometheusUrl?: string;
  /** Watch only these namespaces; all namespaces when absent. */
  namespaces?: string[];
}

/** What main knows about an open context; no credentials, safe to summarise for the renderer. */
export interface SessionInfo {
  contextName: string;
  status: ContextStatus;
  statusReason?: string;
  server?: string;
  latencyMs?: number;
  serverVersion?: string;
  istioVersions: string[];
  gatewayVersions: string[];
  prometheus?: PrometheusLocation;
  permissions?: Permissions;
  openedAt?: string;
  /** What the watch cache follows: every namespace, or these (chosen, or fallen back to). */
  watchNamespaces?: string[] | 'all';
  /** Why the watched namespaces differ from the setting (also part of statusReason). */
  scopeReason?: string;
}

export interface ClusterSessionDependencies {
  contextName: string;
  /** Asked at each open, so a kubeconfig edited since the last open is honoured. */
  resolve: () => ContextResolution;
  exec: ExecCredentialProvider;
  clock: Clock;
  /** Read at each open and each rescope, so a changed setting is honoured. */
  settings?: () => SessionSettings | Promise<SessionSettings>;
  readReleases: ReadReleases;
  /** For the probe requests (the watch has its own timing). */
  requestTimeoutMs?: number;
  cache?: Partial<
    Pick<WatchCacheOptions, 'backoff' | 'batchIntervalMs' | 'pageSize' | 'watchTimeoutSeconds'>
  >;
}

export interface ClusterSession {
  readonly contextName: string;
  info(): SessionInfo;
  /** Connects, probes and starts the watch cache; resolves with the outcome (never rejects). */
  open(): Promise<SessionInfo>;
  close(): Promise<void>;
  /** Re-measures reachability and latency without touching the cache. */
  ping(): Promise<SessionInfo>;
  /**
   * Re-opens the watches of a live session with these settings (default: the stored ones). Rejects
   * with the 403 when no namespace of them may be listed, leaving the running watches as they were.
   * A session that is not live is left alone (the settings apply at its next open).
   */
  rescope?(settings?: SessionSettings): Promise<SessionInfo>;
  readonly client: KubeHttpClient | undefined;
  readonly credentials: RequestCredentials | undefined;
  readonly cache: WatchCache | undefined;
  readonly releases: ReleaseIndex | undefined;
  onInfo(listener: (info: SessionInfo) => void): () => void;
}

export { describeFailure } from './cluster-session-connect.ts';

/** Re-measures reachability and latency without touching the cache. */
async function ping(s: SessionState): Promise<SessionInfo> {
  if (!s.client || (s.info.status !== 'connected' && s.info.status !== 'read-only')) return s.info;
  try {
    const reach = await probeReachability(s.client, s.deps.clock, s.timeoutMs);
    const next: SessionInfo = { ...s.info, latencyMs: reach.latencyMs, serverVersion: reach.serverVersion };
    if (next.statusReason?.startsWith('unreachable: ')) {
      const reason = [s.live?.readOnly, s.info.scopeReason].filter(Boolean).join('; ');
      if (reason) next.statusReason = reason;
      else delete next.statusReason;
    }
    update(s, next);
  } catch (err) {
    // The cache keeps retrying on its own; the status says why nothing moves meanwhile.
    update(s, { ...s.info, statusReason: `unreachable: ${describeFailure(err, s.client.server, '')}` });
  }
  return s.info;
}

/** Swaps the watches of a live session for ones of the new scope (one rescope at a time). */
function rescope(s: SessionState, override: SessionSettings | undefined): Promise<SessionInfo> {
  // One at a time: the second waits for the first's watches to be swapped.
  const run = s.rescoping
    .catch(() => undefined)
    .then(async () => {
      const mine = s.generation;
      const current = s.live;
      if (!s.client || !current || (s.info.status !== 'connected' && s.info.status !== 'read-only'))
        return s.info;
      const settings = override ?? (await s.deps.settings?.()) ?? {};
      const scope = await resolveWatchScope({
        client: s.client,
        resources: current.resources,
        ...(settings.namespaces ? { chosen: settings.namespaces } : {}),
        ...(current.contextNamespace ? { contextNamespace: current.contextNamespace } : {}),
      });
      const listable = await listableResources(s.client, current.resources, scope);
      if (mine !== s.generation || s.live !== current) return s.info;
      const old = { cache: s.cache, releases: s.releases };
      startCache(s, listable, scope);
      old.releases?.dispose();
      await old.cache?.stop();
      if (mine !== s.generation || s.live !== current) return s.info;
      update(s, withScope(s.info, scope, current.readOnly));
      return s.info;
    });
  s.rescoping = run;
  return run;
}

export function createClusterSession(deps: ClusterSessionDependencies): ClusterSession {
  const s: SessionState = {
    deps,
    timeoutMs: deps.requestTimeoutMs ?? 10_000,
    info: {
      contextName: deps.contextName,
      status: 'not-connected',
      istioVersions: [],
      gatewayVersions: [],
    },
    client: undefined,
    credentials: undefined,
    cache: undefined,
    releases: undefined,
    live: undefined,
    rescoping: Promise.resolve(),
    opening: undefined,
    generation: 0,
    listeners: new Set(),
  };

  return {
    contextName: deps.contextName,
    info: () => s.info,
    open() {
      if (s.info.status === 'connected' || s.info.status === 'read-only') return Promise.resolve(s.info);
      s.opening ??= (async () => {
        await stopCache(s);
        return connect(s);
      })().finally(() => {
        s.opening = undefined;
      });
      return s.opening;
    },
    async close() {
      s.generation++;
      await stopCache(s);
      s.client = undefined;
      s.credentials = undefined;
      update(s, {
        contextName: deps.contextName,
        status: 'not-connected',
        istioVersions: [],
        gatewayVersions: [],
      });
    },
    ping: () => ping(s),
    rescope: (override) => rescope(s, override),
    get client() {
      return s.client;
    },
    get credentials() {
      return s.credentials;
    },
    get cache() {
      return s.cache;
    },
    get releases() {
      return s.releases;
    },
    onInfo(listener) {
      s.listeners.add(listener);
      return () => s.listeners.delete(listener);
    },
  };
}
