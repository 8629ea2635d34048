import { isTlsSetupError } from '../kubeconfig/credential-checks.ts';
import type { RequestCredentials } from '../kubeconfig/kube-client-config.ts';
import {
  contextCredentials,
  execCredentialKey,
  missingCredentialFiles,
} from '../kubeconfig/kube-client-config.ts';
import type { PrometheusLocation } from './capabilities-probe.ts';
import {
  discoverMeshApis,
  locatePrometheus,
  probeReachability,
  readOnlyReason,
  reviewPermissions,
} from './capabilities-probe.ts';
import type { WatchedResource } from './cluster-resources.ts';
import { watchedResources } from './cluster-resources.ts';
import type { ClusterSessionDependencies, SessionInfo } from './cluster-session.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import { createKubeHttpClient, KubeApiError } from './kube-http-client.ts';
import type { WatchScope } from './namespace-scope.ts';
import { listableResources, resolveWatchScope } from './namespace-scope.ts';
import type { ReleaseIndex } from './release-index.ts';
import { createReleaseIndex } from './release-index.ts';
import type { WatchCache } from './watch-cache.ts';
import { createWatchCache } from './watch-cache.ts';

// Opening a cluster session: credentials, the probes (reachability, mesh APIs, Prometheus,
// permissions), the watched namespaces, then the watch cache and release index.

/** One session's connection, cache and status, passed to the functions below. */
export interface SessionState {
  deps: ClusterSessionDependencies;
  /** For the probe requests. */
  timeoutMs: number;
  info: SessionInfo;
  client: KubeHttpClient | undefined;
  credentials: RequestCredentials | undefined;
  cache: WatchCache | undefined;
  releases: ReleaseIndex | undefined;
  /** Of the live session: what it watches, where its context points, why it is read-only. */
  live: { resources: WatchedResource[]; contextNamespace?: string; readOnly?: string } | undefined;
  rescoping: Promise<unknown>;
  opening: Promise<SessionInfo> | undefined;
  /** Raised by each connect and close: an older connect's late answers are dropped. */
  generation: number;
  listeners: Set<(i: SessionInfo) => void>;
}

/** The operator-facing sentence for a failed request, naming the server and the user. */
export function describeFailure(err: unknown, server: string, user: string): string {
  if (err instanceof KubeApiError) {
    if (err.status === 401)
      return `${server} rejected the credentials of ${user || 'this user'} (401 Unauthorized)`;
    if (err.status === 403) return `${user || 'this user'} is not allowed: ${err.message}`;
    return `${server} answered ${err.status}: ${err.message}`;
  }
  if (isTlsSetupError(err))
    return `the client certificate, key or certificate authority of this context cannot be used for TLS: ${(err as Error).message}`;
  return err instanceof Error ? err.message : String(err);
}

/** The status line: why the session is read-only, and why it watches fewer namespaces. */
export function withScope(next: SessionInfo, scope: WatchScope, readOnly: string | undefined): SessionInfo {
  const out: SessionInfo = { ...next, watchNamespaces: scope.kind === 'all' ? 'all' : [...scope.namespaces] };
  delete out.scopeReason;
  if (scope.kind === 'namespaces' && scope.reason) out.scopeReason = scope.reason;
  const reason = [readOnly, out.scopeReason].filter(Boolean).join('; ');
  if (reason) out.statusReason = reason;
  else delete out.statusReason;
  return out;
}

export function update(s: SessionState, next: SessionInfo) {
  s.info = next;
  for (const l of s.listeners) l(s.info);
}

export async function stopCache(s: SessionState) {
  s.live = undefined;
  s.releases?.dispose();
  s.releases = undefined;
  const c = s.cache;
  s.cache = undefined;
  await c?.stop();
}

export function startCache(s: SessionState, resources: WatchedResource[], scope: WatchScope) {
  if (!s.client) return;
  s.cache = createWatchCache({
    client: s.client,
    resources,
    ...(scope.kind === 'namespaces' ? { namespaces: scope.namespaces } : {}),
    clock: s.deps.clock,
    ...s.deps.cache,
  });
  // Gateway API served but its ReferenceGrants not listable: cross-namespace backends go unjudged.
  const grantsUnknown =
    resources.some((r) => r.key === 'httproutes') && !resources.some((r) => r.key === 'referencegrants');
  const read = s.deps.readReleases;
  s.releases = createReleaseIndex({
    cache: s.cache,
    read: grantsUnknown ? (objects) => read(objects, { referenceGrantsUnknown: true }) : read,
    clock: s.deps.clock,
  });
  s.cache.start();
}

/** Connects, probes and starts the cache; resolves with the outcome (never rejects). */
export async function connect(s: SessionState): Promise<SessionInfo> {
  const { deps, timeoutMs } = s;
  const { clock } = deps;
  const mine = ++s.generation;
  const base: SessionInfo = {
    contextName: deps.contextName,
    status: 'connecting',
    istioVersions: [],
    gatewayVersions: [],
  };
  update(s, base);
  const fail = (reason: string): SessionInfo => {
    const failed: SessionInfo = { ...s.info, status: 'error', statusReason: reason };
    if (mine === s.generation) update(s, failed);
    return failed;
  };
  const resolution = deps.resolve();
  if (!resolution.ok) return fail(resolution.reason);
  const { resolved } = resolution;
  const missing = missingCredentialFiles(resolved);
  if (missing) return fail(missing);
  try {
    s.credentials = await contextCredentials(resolved, deps.exec);
    const key = execCredentialKey(resolved);
    s.client = createKubeHttpClient(s.credentials, {
      timeoutMs,
      onUnauthorized: () => deps.exec.forget(key),
    });
  } catch (err) {
    return fail(`cannot use context "${deps.contextName}": ${(err as Error).message}`);
  }
  const server = s.client.server;
  const user = resolved.user.name;
  update(s, { ...base, server });
  try {
    const reach = await probeReachability(s.client, clock, timeoutMs);
    if (mine !== s.generation) return s.info;
    update(s, { ...s.info, latencyMs: reach.latencyMs, serverVersion: reach.serverVersion });
    const settings = (await deps.settings?.()) ?? {};
    const [discovery, prometheus, permissions] = await Promise.all([
      discoverMeshApis(s.client),
      locatePrometheus(s.client, settings.prometheusUrl).catch(
        (err): PrometheusLocation => ({
          kind: 'none',
          reason: `could not look for Prometheus: ${describeFailure(err, server, user)}`,
        }),
      ),
      reviewPermissions(s.client, resolved.context.namespace).catch((err: unknown) => err as Error),
    ]);
    if (mine !== s.generation) return s.info;
    const next: SessionInfo = {
      ...s.info,
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
      client: s.client,
      resources,
      ...(settings.namespaces ? { chosen: settings.namespaces } : {}),
      ...(contextNamespace ? { contextNamespace } : {}),
    });
    const listable = await listableResources(s.client, resources, scope);
    if (mine !== s.generation) return s.info;
    startCache(s, listable, scope);
    s.live = {
      resources,
      ...(contextNamespace ? { contextNamespace } : {}),
      ...(readOnly ? { readOnly } : {}),
    };
    const opened = withScope(next, scope, readOnly ?? undefined);
    update(s, opened);
    return opened;
  } catch (err) {
    return fail(describeFailure(err, server, user));
  }
}
