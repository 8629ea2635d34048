import type { ContextList, ContextStatus } from '../../../shared/api/contract.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { ObjectBatch } from './batch-coalescer.ts';
import type { Grant } from './capabilities-probe.ts';
import type { SessionInfo } from './cluster-session.ts';
import type { ReleaseChanges } from './release-index.ts';
import type { SessionManager } from './session-manager.ts';
import { contextIdOf, contextNameOf } from './session-manager.ts';

// Plain functions behind the cluster calls and events the contract will carry (see the lead's
// shared/api/contract.ts). Nothing here holds or returns a credential or a server address.

/** What the renderer may know of an open session. */
export interface ClusterSessionSummary {
  contextId: string;
  contextName: string;
  status: ContextStatus;
  statusReason?: string;
  latencyMs?: number;
  serverVersion?: string;
  istioVersions: string[];
  gatewayVersions: string[];
  prometheus: { kind: 'url' | 'service' | 'none'; where?: string; reason?: string };
  /** `virtualservices.networking.istio.io` → verb → grant. */
  permissions?: Record<string, Record<string, Grant>>;
  openedAt?: string;
}

export function toSessionSummary(info: SessionInfo): ClusterSessionSummary {
  const summary: ClusterSessionSummary = {
    contextId: contextIdOf(info.contextName),
    contextName: info.contextName,
    status: info.status,
    istioVersions: info.istioVersions,
    gatewayVersions: info.gatewayVersions,
    prometheus: { kind: 'none' },
  };
  if (info.statusReason) summary.statusReason = info.statusReason;
  if (info.latencyMs !== undefined) summary.latencyMs = info.latencyMs;
  if (info.serverVersion) summary.serverVersion = info.serverVersion;
  if (info.permissions) summary.permissions = info.permissions;
  if (info.openedAt) summary.openedAt = info.openedAt;
  const p = info.prometheus;
  // A configured URL may carry basic-auth credentials: the renderer only learns that one is set.
  if (p?.kind === 'url') summary.prometheus = { kind: 'url' };
  else if (p?.kind === 'service')
    summary.prometheus = { kind: 'service', where: `${p.namespace}/${p.name}:${p.port}` };
  else if (p?.kind === 'none') summary.prometheus = { kind: 'none', reason: p.reason };
  return summary;
}

export interface ClusterHandlers {
  'contexts.list': () => Promise<ContextList>;
  'contexts.open': (req: { id: string }) => Promise<ClusterSessionSummary>;
  'contexts.close': (req: { id: string }) => Promise<Record<string, never>>;
  'contexts.select': (req: { id: string }) => Promise<ClusterSessionSummary>;
  'contexts.reload': () => Promise<ContextList>;
  /** The cached objects of an open session (the renderer's first fill; events follow). */
  'cluster.snapshot': (req: { id: string }) => Promise<{ objects: KubeObject[]; releases: ServiceRelease[] }>;
}

export function createClusterHandlers(manager: SessionManager): ClusterHandlers {
  const open = (id: string) => {
    const session = manager.session(contextNameOf(id));
    if (!session) throw new Error(`context "${contextNameOf(id)}" is not open`);
    return session;
  };
  return {
    'contexts.list': () => manager.listContexts(),
    'contexts.open': async ({ id }) => toSessionSummary(await manager.open(contextNameOf(id))),
    'contexts.close': async ({ id }) => {
      await manager.close(contextNameOf(id));
      return {};
    },
    'contexts.select': async ({ id }) => toSessionSummary(manager.select(contextNameOf(id))),
    'contexts.reload': () => manager.reload(),
    'cluster.snapshot': async ({ id }) => {
      const session = open(id);
      return { objects: [...(session.cache?.all() ?? [])], releases: session.releases?.releases() ?? [] };
    },
  };
}

export interface ClusterEventSinks {
  contextsChanged(list: ContextList): void;
  sessionChanged(summary: ClusterSessionSummary): void;
  /** Coalesced: at most 10 a second per session. */
  objectsChanged(event: { contextId: string } & ObjectBatch<KubeObject>): void;
  releasesChanged(event: { contextId: string } & ReleaseChanges): void;
}

/**
 * Forwards the manager's changes as events; each session's cache and release index are
 * subscribed when it connects and unsubscribed when it closes. Returns the unsubscribe.
 */
export function forwardClusterEvents(manager: SessionManager, sinks: ClusterEventSinks): () => void {
  const attached = new Map<string, () => void>();
  const attach = (name: string) => {
    const session = manager.session(name);
    if (!session?.cache || attached.has(name)) return;
    const contextId = contextIdOf(name);
    const offBatch = session.cache.onBatch((batch) => sinks.objectsChanged({ contextId, ...batch }));
    const offReleases =
      session.releases?.onChanges((c) => sinks.releasesChanged({ contextId, ...c })) ?? (() => {});
    attached.set(name, () => {
      offBatch();
      offReleases();
    });
  };
  const offContexts = manager.onContextsChanged(sinks.contextsChanged);
  const offSessions = manager.onSessionChanged((info) => {
    if (info.status === 'connected' || info.status === 'read-only') attach(info.contextName);
    else {
      attached.get(info.contextName)?.();
      attached.delete(info.contextName);
    }
    sinks.sessionChanged(toSessionSummary(info));
  });
  return () => {
    offContexts();
    offSessions();
    for (const off of attached.values()) off();
    attached.clear();
  };
}
