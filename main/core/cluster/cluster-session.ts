import type { KubeConfig } from '@kubernetes/client-node';
import type { ContextStatus } from '../../../shared/api/contract.ts';
import type { ExecCredentialProvider } from '../kubeconfig/exec-credential-plugin.ts';
import {
  buildKubeConfig,
  execCredentialKey,
  missingCredentialFiles,
} from '../kubeconfig/kube-client-config.ts';
import type { ContextResolution } from '../kubeconfig/kubeconfig-merge.ts';
import type { Permissions, PrometheusLocation } from './capabilities-probe.ts';
import {
  discoverMeshApis,
  locatePrometheus,
  probeReachability,
  readOnlyReason,
  reviewPermissions,
} from './capabilities-probe.ts';
import type { Clock } from './clock.ts';
import type { WatchedResource } from './cluster-resources.ts';
import { watchedResources } from './cluster-resources.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import { createKubeHttpClient, KubeApiError } from './kube-http-client.ts';
import type { WatchScope } from './namespace-scope.ts';
import { resolveWatchScope } from './namespace-scope.ts';
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

/** The status line: why the session is read-only, and why it watches fewer namespaces. */
function withScope(next: SessionInfo, scope: WatchScope, readOnly: string | undefined): SessionInfo {
  const out: SessionInfo = { ...next, watchNamespaces: scope.kind === 'all' ? 'all' : [...scope.namespaces] };
  delete out.scopeReason;
  if (scope.kind === 'namespaces' && scope.reason) out.scopeReason = scope.reason;
  const reason = [readOnly, out.scopeReason].filter(Boolean).join('; ');
  if (reason) out.statusReason = reason;
  else delete out.statusReason;
  return out;
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
  /** Of the live session: what it watches, where its context points, why it is read-only. */
  let live: { resources: WatchedResource[]; contextNamespace?: string; readOnly?: string } | undefined;
  let rescoping: Promise<unknown> = Promise.resolve();
  let opening: Promise<SessionInfo> | undefined;
  let generation = 0;
  const listeners = new Set<(i: SessionInfo) => void>();

  function update(next: SessionInfo) {
    info = next;
    for (const l of listeners) l(info);
  }

  async function stopCache() {
    live = undefined;
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
      const settings = (await deps.settings?.()) ?? {};
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
      const resources = watchedResources(discovery.istioVersions, discovery.gatewayVersions);
      const contextNamespace = resolved.context.namespace;
      // Throws the 403 (naming verb and resource) when no namespace at all may be listed.
      const scope = await resolveWatchScope({
        client,
        resources,
        ...(settings.namespaces ? { chosen: settings.namespaces } : {}),
        ...(contextNamespace ? { contextNamespace } : {}),
      });
      if (mine !== generation) return info;
      startCache(resources, scope);
      live = {
        resources,
        ...(contextNamespace ? { contextNamespace } : {}),
        ...(readOnly ? { readOnly } : {}),
      };
      const opened = withScope(next, scope, readOnly ?? undefined);
      update(opened);
      return opened;
    } catch (err) {
      return fail(describeFailure(err, server, user));
    }
  }

  function startCache(resources: WatchedResource[], scope: WatchScope) {
    if (!client) return;
    cache = createWatchCache({
      client,
      resources,
      ...(scope.kind === 'namespaces' ? { namespaces: scope.namespaces } : {}),
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
        if (next.statusReason?.startsWith('unreachable: ')) {
          const reason = [live?.readOnly, info.scopeReason].filter(Boolean).join('; ');
          if (reason) next.statusReason = reason;
          else delete next.statusReason;
        }
        update(next);
      } catch (err) {
        // The cache keeps retrying on its own; the status says why nothing moves meanwhile.
        update({ ...info, statusReason: `unreachable: ${describeFailure(err, client.server, '')}` });
      }
      return info;
    },
    rescope(override) {
      // One at a time: the second waits for the first's watches to be swapped.
      const run = rescoping
        .catch(() => undefined)
        .then(async () => {
          const mine = generation;
          const current = live;
          if (!client || !current || (info.status !== 'connected' && info.status !== 'read-only'))
            return info;
          const settings = override ?? (await deps.settings?.()) ?? {};
          const scope = await resolveWatchScope({
            client,
            resources: current.resources,
            ...(settings.namespaces ? { chosen: settings.namespaces } : {}),
            ...(current.contextNamespace ? { contextNamespace: current.contextNamespace } : {}),
          });
          if (mine !== generation || live !== current) return info;
          const old = { cache, releases };
          startCache(current.resources, scope);
          old.releases?.dispose();
          await old.cache?.stop();
          if (mine !== generation || live !== current) return info;
          update(withScope(info, scope, current.readOnly));
          return info;
        });
      rescoping = run;
      return run;
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
