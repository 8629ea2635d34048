import type { KubeConfig } from '@kubernetes/client-node';
import type { ContextStatus } from '../../../shared/api/contract.ts';
import type { ExecCredentialProvider } from '../kubeconfig/exec-credential-plugin.ts';
import {
  buildKubeConfig,
  execCredentialKey,
  missingCredentialFiles,
} from '../kubeconfig/kube-client-config.ts';
import type { ContextResolution } from '../kubeconfig/kubeconfig-merge.ts';
import type { ApiDiscovery, Permissions, PrometheusLocation } from './capabilities-probe.ts';
import {
  discoverMeshApis,
  locatePrometheus,
  probeReachability,
  readOnlyReason,
  reviewPermissions,
} from './capabilities-probe.ts';
import type { Clock } from './clock.ts';
import { watchedResources } from './cluster-resources.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import { createKubeHttpClient, KubeApiError } from './kube-http-client.ts';
import type { ReadReleases, ReleaseIndex } from './release-index.ts';
import { createReleaseIndex } from './release-index.ts';
import type { WatchCache, WatchCacheOptions } from './watch-cache.ts';
import { createWatchCache } from './watch-cache.ts';

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
}

export interface ClusterSessionDependencies {
  contextName: string;
  /** Asked at each open, so a kubeconfig edited since the last open is honoured. */
  resolve: () => ContextResolution;
  exec: ExecCredentialProvider;
  clock: Clock;
  settings?: () => SessionSettings;
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
  readonly client: KubeHttpClient | undefined;
  readonly kubeConfig: KubeConfig | undefined;
  readonly cache: WatchCache | undefined;
  readonly releases: ReleaseIndex | undefined;
  onInfo(listener: (info: SessionInfo) => void): () => void;
}

/** The operator-facing sentence for a failed request, naming the server and the user. */
export function describeFailure(err: unknown, server: string, user: string): string {
  if (err instanceof KubeApiError) {
    if (err.status === 401)
      return `${server} rejected the credentials of ${user || 'this user'} (401 Unauthorized)`;
    if (err.status === 403) return `${user || 'this user'} is not allowed: ${err.message}`;
    return `${server} answered ${err.status}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

export function createClusterSession(deps: ClusterSessionDependencies): ClusterSession {
  const { clock } = deps;
  const timeoutMs = deps.requestTimeoutMs ?? 10_000;
  let info: SessionInfo = {
    contextName: deps.contextName,
    status: 'not-connected',
    istioVersions: [],
    gatewayVersions: [],
  };
  let client: KubeHttpClient | undefined;
  let kubeConfig: KubeConfig | undefined;
  let cache: WatchCache | undefined;
  let releases: ReleaseIndex | undefined;
  let opening: Promise<SessionInfo> | undefined;
  let generation = 0;
  const listeners = new Set<(i: SessionInfo) => void>();

  function update(next: SessionInfo) {
    info = next;
    for (const l of listeners) l(info);
  }

  async function stopCache() {
    releases?.dispose();
    releases = undefined;
    const c = cache;
    cache = undefined;
    await c?.stop();
  }

  async function connect(): Promise<SessionInfo> {
    const mine = ++generation;
    const base: SessionInfo = {
      contextName: deps.contextName,
      status: 'connecting',
      istioVersions: [],
      gatewayVersions: [],
    };
    update(base);
    const fail = (reason: string): SessionInfo => {
      const failed: SessionInfo = { ...info, status: 'error', statusReason: reason };
      if (mine === generation) update(failed);
      return failed;
    };
    const resolution = deps.resolve();
    if (!resolution.ok) return fail(resolution.reason);
    const { resolved } = resolution;
    const missing = missingCredentialFiles(resolved);
    if (missing) return fail(missing);
    try {
      kubeConfig = await buildKubeConfig(resolved, deps.exec);
      const key = execCredentialKey(resolved);
      client = createKubeHttpClient(kubeConfig, { timeoutMs, onUnauthorized: () => deps.exec.forget(key) });
    } catch (err) {
      return fail(`cannot use context "${deps.contextName}": ${(err as Error).message}`);
    }
    const server = client.server;
    const user = resolved.user.name;
    update({ ...base, server });
    try {
      const reach = await probeReachability(client, clock, timeoutMs);
      if (mine !== generation) return info;
      update({ ...info, latencyMs: reach.latencyMs, serverVersion: reach.serverVersion });
      const settings = deps.settings?.() ?? {};
      const [discovery, prometheus, permissions] = await Promise.all([
        discoverMeshApis(client),
        locatePrometheus(client, settings.prometheusUrl).catch(
          (err): PrometheusLocation => ({
            kind: 'none',
            reason: `could not look for Prometheus: ${describeFailure(err, server, user)}`,
          }),
        ),
        reviewPermissions(client, resolved.context.namespace).catch((err: unknown) => err as Error),
      ]);
      if (mine !== generation) return info;
      const next: SessionInfo = {
        ...info,
        istioVersions: discovery.istioVersions,
        gatewayVersions: discovery.gatewayVersions,
        prometheus,
        openedAt: new Date(clock.now()).toISOString(),
      };
      let readOnly: string | null;
      if (permissions instanceof Error) {
        readOnly = `could not check permissions: ${describeFailure(permissions, server, user)}`;
      } else {
        next.permissions = permissions;
        readOnly = readOnlyReason(user, permissions, discovery);
      }
      if (discovery.istioVersions.length === 0 && discovery.gatewayVersions.length === 0) {
        readOnly ??= 'the cluster serves neither networking.istio.io nor gateway.networking.k8s.io';
      }
      next.status = readOnly ? 'read-only' : 'connected';
      if (readOnly) next.statusReason = readOnly;
      else delete next.statusReason;
      startCache(discovery, settings);
      update(next);
      return next;
    } catch (err) {
      return fail(describeFailure(err, server, user));
    }
  }

  function startCache(discovery: ApiDiscovery, settings: SessionSettings) {
    if (!client) return;
    cache = createWatchCache({
      client,
      resources: watchedResources(discovery.istioVersions, discovery.gatewayVersions),
      ...(settings.namespaces && settings.namespaces.length > 0 ? { namespaces: settings.namespaces } : {}),
      clock,
      ...deps.cache,
    });
    releases = createReleaseIndex({ cache, read: deps.readReleases, clock });
    cache.start();
  }

  return {
    contextName: deps.contextName,
    info: () => info,
    open() {
      if (info.status === 'connected' || info.status === 'read-only') return Promise.resolve(info);
      opening ??= (async () => {
        await stopCache();
        return connect();
      })().finally(() => {
        opening = undefined;
      });
      return opening;
    },
    async close() {
      generation++;
      await stopCache();
      client = undefined;
      kubeConfig = undefined;
      update({
        contextName: deps.contextName,
        status: 'not-connected',
        istioVersions: [],
        gatewayVersions: [],
      });
    },
    async ping() {
      if (!client || (info.status !== 'connected' && info.status !== 'read-only')) return info;
      try {
        const reach = await probeReachability(client, clock, timeoutMs);
        const next: SessionInfo = { ...info, latencyMs: reach.latencyMs, serverVersion: reach.serverVersion };
        if (next.statusReason?.startsWith('unreachable: ')) delete next.statusReason;
        update(next);
      } catch (err) {
        // The cache keeps retrying on its own; the status says why nothing moves meanwhile.
        update({ ...info, statusReason: `unreachable: ${describeFailure(err, client.server, '')}` });
      }
      return info;
    },
    get client() {
      return client;
    },
    get kubeConfig() {
      return kubeConfig;
    },
    get cache() {
      return cache;
    },
    get releases() {
      return releases;
    },
    onInfo(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
