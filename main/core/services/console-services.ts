// The console's services over cluster sessions, composed once: sessions, watch events, plans,
// offline snapshots, History and the release workflow, plus the few lookups every call needs
// (a synced session, a release, its source objects). The contract's handlers are thin adapters
// over these (main/core/handlers/).

import { join } from 'node:path';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { MeshRequest } from '../../../shared/mesh/evaluate/index.ts';
import type { KubeObject, RegexEngine, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { re2Engine } from '../../lib/re2-engine.ts';
import type { EventSink } from '../api-dispatch.ts';
import type { EnginePlan } from '../apply/apply-types.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { createHistoryStore } from '../history/history-store.ts';
import type { PrometheusClient } from '../metrics/prometheus-client.ts';
import { createPrometheusClient, kubeProxyTransport } from '../metrics/prometheus-client.ts';
import type { ProxyConfirmations } from '../proxies/proxy-confirmations.ts';
import { createProxyConfirmations } from '../proxies/proxy-confirmations.ts';
import { judgeRelease } from '../rollout/rollout-health.ts';
import type { Rollouts } from '../rollout/rollouts.ts';
import { createRollouts } from '../rollout/rollouts.ts';
import type { StepPlans, StepPlansDependencies } from '../rollout/step-plans.ts';
import { createStepPlans } from '../rollout/step-plans.ts';
import type { SnapshotOptions } from '../snapshots/console-snapshots.ts';
import { createConsoleSnapshots } from '../snapshots/console-snapshots.ts';
import { historyViews, type LiveObjectLookup } from '../views/history-views.ts';
import type { ReleaseLinter, SessionFacts } from '../views/release-views.ts';
import { createReleaseLinter } from '../views/release-views.ts';
import { cacheLookup, refOf } from './cache-lookup.ts';
import { createConsoleEvents } from './console-events.ts';
import { createConsolePlans } from './console-plans.ts';
import type { ConsoleSessions, ConsoleSessionsDependencies } from './console-sessions.ts';
import { createConsoleSessions } from './console-sessions.ts';
import type { DemoRequests } from './sample-traffic.ts';
import { DEMO_SAMPLE_SIZE } from './sample-traffic.ts';
import type { StableVersions } from './stable-versions.ts';
import { createStableVersions } from './stable-versions.ts';

export interface ConsoleDependencies {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  emit: EventSink;
  /** The running demo mesh's kubeconfig, when it runs (its contexts are 'demo' and 'demo-viewer'). */
  demoKubeconfig?: () => string | undefined;
  /**
   * The demo's visitor population, for traffic estimates and the preview's default sample; the
   * entry point that embeds the demo gives it (absent: those answer 'unavailable').
   */
  demoRequests?: DemoRequests;
  engine?: RegexEngine;
  history?: HistoryStore;
  /** Apply engine timing (tests shorten these). */
  pauseMs?: number;
  verifyTimeoutMs?: number;
  createManager?: ConsoleSessionsDependencies['createManager'];
  /** How long the release wizard waits for a new version's rollout (default 5 minutes). */
  rolloutTimeoutMs?: number;
  /** Offline snapshot timing (tests shorten these). */
  snapshots?: SnapshotOptions;
  /**
   * The Prometheus of a context, for the promote gate (app-core passes the metrics service's, which
   * honours a URL set in settings); default: the Prometheus service the session found in the cluster.
   */
  prometheusFor?: (contextId: string) => Promise<PrometheusClient | { none: string }>;
  /** Release plan timing (tests shorten these): see StepPlansDependencies. */
  stepPlans?: Pick<StepPlansDependencies, 'timers' | 'tickMs' | 'minWindowSeconds' | 'interruptedAfterMs'>;
}

/** What a draft is based on: the objects as they were at `capturedAt`. */
export interface DraftBase {
  origin: 'live' | 'snapshot';
  capturedAt: string;
  objects: KubeObject[];
}

/** A plan made outside the console's own edits (an applied draft), reviewed and applied the same way. */
export interface ExternalPlan {
  contextId: string;
  releaseId: string;
  plan: EnginePlan;
  description: string;
  summary: string;
  onApplied?: (historyId: string | undefined) => Promise<void>;
}

export interface ConsoleServices {
  emit: EventSink;
  engine: RegexEngine;
  lint: ReleaseLinter;
  stable: StableVersions;
  history: HistoryStore;
  sessions: ConsoleSessions;
  snapshots: ReturnType<typeof createConsoleSnapshots>;
  plans: ReturnType<typeof createConsolePlans>;
  events: ReturnType<typeof createConsoleEvents>;
  /** The rollout plans (the release wizard): a new version brought in step by step. */
  rollouts: Rollouts;
  /** Confirmation at the proxies: at how many sidecars and gateways an applied change is in effect. */
  proxies: ProxyConfirmations;
  /** Release plans with gates over the rollouts (`rollout.steps.*`). */
  stepPlans: StepPlans;
  /** The open, synced session of a context (waits for its first list; throws a clear failure). */
  ready(contextId: string): Promise<ClusterSession>;
  releaseOf(session: ClusterSession, releaseId: string): ServiceRelease;
  /** The routes, DestinationRules, Services and Deployments a release is read from. */
  sourceObjects(session: ClusterSession, release: { sources: ReleaseSources }): KubeObject[];
  /** Objects as the synced watch cache of a context has them, for Undo's availability. */
  liveLookupOf(contextId: string): LiveObjectLookup | undefined;
  /** A new History entry, pushed to the renderer as it is written. */
  announce(historyId: string | undefined): Promise<void>;
  demoRequests(): Promise<MeshRequest[]>;
  /** The Prometheus the charts and the promote gate read (a URL set in settings wins), or why none. */
  prometheus(contextId: string): Promise<PrometheusClient | { none: string }>;
  dispose(): Promise<void>;
}

const SYNC_TIMEOUT_MS = 15_000;

type ReleaseSources = Array<{ kind: string; namespace: string; name: string }>;

export function sessionFacts(contextId: string, session: ClusterSession): SessionFacts {
  const info = session.info();
  return info.status === 'read-only'
    ? { contextId, readOnlyReason: info.statusReason ?? 'this user may only read' }
    : { contextId };
}

/** The release of a synced session, or a clear not-found. */
function releaseOf(session: ClusterSession, releaseId: string): ServiceRelease {
  const release = session.releases?.get(releaseId);
  if (!release)
    throw new ApiFailure('not-found', `no service '${releaseId}' in this cluster (it may have been deleted)`);
  return release;
}

/** The routes, DestinationRules, Services and Deployments a release is read from, as the cache has them. */
function sourceObjects(session: ClusterSession, release: { sources: ReleaseSources }): KubeObject[] {
  const lookup = cacheLookup(session.cache!);
  return release.sources
    .map((s) => lookup.find(s.kind, s.namespace, s.name))
    .filter((o): o is KubeObject => o !== undefined);
}

/** Refuses a change on a read-only session, naming why it is read-only. */
export function refuseReadOnly(contextId: string, session: ClusterSession): void {
  const facts = sessionFacts(contextId, session);
  if (facts.readOnlyReason) throw new ApiFailure('forbidden', `read-only session: ${facts.readOnlyReason}`);
}

function defaultHistory(dataDir: string): HistoryStore {
  return createHistoryStore({
    dir: join(dataDir, 'history'),
    onSkipped: (lines) =>
      console.warn(`history: ${lines.map((l) => `${l.file}:${l.line}: ${l.reason}`).join('; ')}`),
  });
}

/** The Prometheus service a session found in its cluster, through the Kubernetes API proxy. */
function clusterPrometheus(session: ClusterSession): PrometheusClient | { none: string } {
  const where = session.info().prometheus;
  if (where?.kind !== 'service' || !session.client)
    return { none: where?.kind === 'none' ? where.reason : 'no Prometheus was found for this cluster' };
  const description = `Prometheus service ${where.namespace}/${where.name}:${where.port}`;
  return createPrometheusClient({
    transport: kubeProxyTransport(session.client, where.proxyPath, description),
    timeoutMs: 10_000,
  });
}

/** The context's Prometheus: the one app-core passes (settings honoured), else the cluster's own. */
function prometheusOf(deps: ConsoleDependencies, sessions: ConsoleSessions, contextId: string) {
  if (deps.prometheusFor) return deps.prometheusFor(contextId);
  return Promise.resolve(clusterPrometheus(sessions.session(contextId)));
}

interface WorkflowParts {
  sessions: ConsoleSessions;
  plans: ReturnType<typeof createConsolePlans>;
  ready(contextId: string): Promise<ClusterSession>;
  announce(historyId: string | undefined): Promise<void>;
}

/** The release workflow (wizard) over the console's sessions and plans, judged by Prometheus. */
function createWorkflow(deps: ConsoleDependencies, parts: WorkflowParts): Rollouts {
  const { sessions, plans, ready, announce } = parts;
  return createRollouts({
    dataDir: deps.dataDir,
    emit: deps.emit,
    ready,
    engineFor: plans.engineFor,
    userOf: (contextId) => sessions.user(contextId),
    readOnlyReason: (session) => sessionFacts('', session).readOnlyReason,
    ...(deps.rolloutTimeoutMs !== undefined ? { rolloutTimeoutMs: deps.rolloutTimeoutMs } : {}),
    health: async (contextId, release, canary, stable) => {
      const p = await prometheusOf(deps, sessions, contextId);
      if ('none' in p) throw new Error(`no Prometheus to judge it by: ${p.none}`);
      return judgeRelease({ client: p, release, canary, stable });
    },
    onHistory: (historyId) => void announce(historyId),
    async review(p) {
      const session = await ready(p.contextId);
      const stored = plans.store({
        contextId: p.contextId,
        releaseId: p.releaseId,
        plan: p.plan,
        kind: 'release',
        description: p.description,
        onApplied: p.onApplied,
      });
      return plans.view(session, stored, p.summary);
    },
  });
}

/** Release plans over the rollouts; saved running ones go on once their context's session connects. */
function stepPlansOver(
  deps: ConsoleDependencies,
  parts: Pick<WorkflowParts, 'sessions' | 'ready'> & { proxies: ProxyConfirmations },
  rollouts: Rollouts,
): { stepPlans: StepPlans; dispose: () => Promise<void> } {
  const stepPlans = createStepPlans({
    dataDir: deps.dataDir,
    emit: deps.emit,
    rollouts,
    ready: parts.ready,
    proxies: parts.proxies,
    prometheusFor: (contextId) => prometheusOf(deps, parts.sessions, contextId),
    ...deps.stepPlans,
  });
  // Their holds begin again: a hold interrupted by a closed session or a restart is not trusted.
  const off = parts.sessions.onSessionChanged((contextId, info) => {
    if (info.status === 'connected') void stepPlans.resumeContext(contextId).catch(() => undefined);
    else if (info.status !== 'connecting') stepPlans.stopContext(contextId);
  });
  const dispose = async () => {
    off();
    stepPlans.dispose();
    await stepPlans.settled();
  };
  return { stepPlans, dispose };
}

/** Confirmation at the proxies over the console's synced sessions: a release's host and the session's client. */
function proxyConfirmationsOver(ready: (contextId: string) => Promise<ClusterSession>): ProxyConfirmations {
  return createProxyConfirmations({
    async target(contextId, releaseId) {
      const session = await ready(contextId);
      const release = session.releases?.get(releaseId);
      if (!release)
        throw new ApiFailure(
          'not-found',
          `no service '${releaseId}' in this cluster (it may have been deleted)`,
        );
      if (!session.client) throw new ApiFailure('unavailable', `context '${contextId}' is not connected`);
      return { client: session.client, host: release.host, namespace: release.namespace };
    },
  });
}

export function createConsoleServices(deps: ConsoleDependencies): ConsoleServices {
  const engine = deps.engine ?? re2Engine();
  const lint = createReleaseLinter(engine);
  const stable = createStableVersions();
  const history = deps.history ?? defaultHistory(deps.dataDir);
  const snapshots = createConsoleSnapshots({
    dataDir: deps.dataDir,
    lint,
    ...deps.snapshots,
    describe: async (contextId) => {
      const c = await sessions.summary(contextId);
      return { contextName: c.name, cluster: c.cluster };
    },
  });
  const sessions = createConsoleSessions({
    env: deps.env,
    dataDir: deps.dataDir,
    demoKubeconfig: deps.demoKubeconfig ?? (() => undefined),
    ...(deps.createManager ? { createManager: deps.createManager } : {}),
    snapshots,
  });
  // Every synced session keeps its offline snapshot current (read-only sessions too).
  const offSnapshotSessions = sessions.onSessionChanged((contextId, info) => {
    if (info.status !== 'connected' && info.status !== 'read-only') return;
    try {
      snapshots.track(contextId, sessions.session(contextId));
    } catch {
      // Closed meanwhile.
    }
  });
  const plans = createConsolePlans({
    history,
    lint,
    pauseMs: deps.pauseMs,
    verifyTimeoutMs: deps.verifyTimeoutMs,
  });
  const events = createConsoleEvents({ sessions, emit: deps.emit, lint, stable });
  let demoSample: Promise<MeshRequest[]> | undefined;

  async function ready(contextId: string): Promise<ClusterSession> {
    const session = sessions.session(contextId);
    const { cache, releases } = session;
    if (!cache || !releases) {
      const info = session.info();
      throw new ApiFailure(
        'unavailable',
        `context '${contextId}' is ${info.status}${info.statusReason ? `: ${info.statusReason}` : ''}`,
      );
    }
    const listedNow = !cache.synced;
    if (listedNow) {
      await cache.whenSynced(SYNC_TIMEOUT_MS).catch(() => {
        throw new ApiFailure(
          'timeout',
          `the cluster of '${contextId}' did not list its objects within ${SYNC_TIMEOUT_MS / 1000} s`,
        );
      });
    }
    // The first read of a whole cluster goes in slices, so a big one does not hold the event loop.
    if (listedNow || releases.size === 0) await releases.whenCurrent();
    events.follow(contextId, session);
    snapshots.track(contextId, session);
    return session;
  }

  function liveLookupOf(contextId: string): LiveObjectLookup | undefined {
    let cache: ClusterSession['cache'];
    try {
      cache = sessions.session(contextId).cache;
    } catch {
      return undefined;
    }
    if (!cache?.synced) return undefined;
    const synced = cache;
    // A miss says nothing (the namespace may not be watched): only what the cache holds is compared.
    return (target) => {
      const ref = refOf(target);
      return ref ? synced.find(ref) : undefined;
    };
  }

  async function announce(historyId: string | undefined): Promise<void> {
    if (!historyId) return;
    const entry = await history.get(historyId).catch(() => undefined);
    if (!entry) return;
    const undone = entry.undoOf ? await history.get(entry.undoOf).catch(() => undefined) : undefined;
    const [view] = historyViews(undone ? [entry, undone] : [entry], liveLookupOf);
    if (view) deps.emit('history.recorded', view);
  }

  // Before the workflow: a rollout's next step can wait on proxies.waitForProxies.
  const proxies = proxyConfirmationsOver(ready);
  const rollouts = createWorkflow(deps, { sessions, plans, ready, announce });
  const { stepPlans, dispose: disposeStepPlans } = stepPlansOver(
    deps,
    { sessions, ready, proxies },
    rollouts,
  );

  return {
    emit: deps.emit,
    engine,
    lint,
    stable,
    history,
    sessions,
    snapshots,
    plans,
    events,
    rollouts,
    proxies,
    stepPlans,
    ready,
    releaseOf,
    sourceObjects,
    liveLookupOf,
    announce,
    demoRequests() {
      // The demo visitor population, drawn once and shared by every estimate.
      const draw = deps.demoRequests;
      if (!draw)
        return Promise.reject(
          new ApiFailure('unavailable', 'no demo visitor population was given to this app to estimate with'),
        );
      demoSample ??= draw(DEMO_SAMPLE_SIZE);
      return demoSample;
    },
    prometheus: (contextId) => prometheusOf(deps, sessions, contextId),
    async dispose() {
      // Operations still waiting on a rollout are left behind: their saved state resumes later.
      // Pending snapshots are written first, while the caches still hold the objects.
      offSnapshotSessions();
      await disposeStepPlans();
      await snapshots.dispose();
      events.dispose();
      await sessions.dispose();
    },
  };
}
