import { join } from 'node:path';
import type { PlanView } from '../../../shared/api/console-schemas.ts';
import type { ContextList } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { summarizeChange } from '../../../shared/mesh/change-summary.ts';
import type { KubeObject } from '../../../shared/mesh/istio-types.ts';
import type { RegexEngine } from '../../../shared/mesh/regex-engine.ts';
import { planRelease } from '../../../shared/mesh/release-plan.ts';
import type { ObjectKey } from '../../../shared/mesh/three-way-merge.ts';
import type { ApiHandlers, EventSink } from '../api-dispatch.ts';
import type { AnyPlan, EnginePlan } from '../apply/apply-types.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { createHistoryStore } from '../history/history-store.ts';
import type { PrometheusClient } from '../metrics/prometheus-client.ts';
import { createPrometheusClient, kubeProxyTransport } from '../metrics/prometheus-client.ts';
import { re2Engine } from '../re2-engine.ts';
import { judgeRelease } from '../release/release-health.ts';
import type { SnapshotOptions } from '../snapshots/console-snapshots.ts';
import { createConsoleSnapshots } from '../snapshots/console-snapshots.ts';
import { allTrafficShares, editFailure, planAllTraffic } from '../services/all-traffic-change.ts';
import { cacheLookup, refOf } from '../services/cache-lookup.ts';
import { createConsoleEvents } from '../services/console-events.ts';
import { createConsolePlans } from '../services/console-plans.ts';
import type { ConsoleSessionsDependencies } from '../services/console-sessions.ts';
import { createConsoleSessions } from '../services/console-sessions.ts';
import { desiredFromInput } from '../services/desired-release-input.ts';
import { createGrayscaleReleases } from '../release/grayscale-releases.ts';
import { historyViews, type LiveObjectLookup, planUndoFor } from '../views/history-views.ts';
import { createNamespaceHandlers } from './session-namespaces.ts';
import { applyResultView } from '../views/plan-views.ts';
import { previewRelease } from '../services/release-preview.ts';
import type { SessionFacts } from '../views/release-views.ts';
import { createReleaseLinter, releaseView, summarizeRelease } from '../views/release-views.ts';
import { DEMO_SAMPLE_SIZE, demoSampleRequests, parseSampleJsonl } from '../services/sample-traffic.ts';
import { createStableVersions } from '../services/stable-versions.ts';

export type ConsoleCalls = Pick<
  ApiHandlers,
  | 'sessions.open'
  | 'sessions.close'
  | 'sessions.namespaces.get'
  | 'sessions.namespaces.set'
  | 'services.list'
  | 'release.get'
  | 'release.plan'
  | 'release.apply'
  | 'history.list'
  | 'history.undo'
  | 'release.preview'
  | 'rules.check'
  | 'release.start'
  | 'release.workflows'
  | 'release.promote'
  | 'release.finalize'
  | 'release.abort'
  | 'release.resume'
  | 'release.allTraffic'
  | 'release.health'
>;

export interface ConsoleDependencies {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  emit: EventSink;
  /** The running demo mesh's kubeconfig, when it runs (its contexts are 'demo' and 'demo-viewer'). */
  demoKubeconfig?: () => string | undefined;
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

const SYNC_TIMEOUT_MS = 15_000;

type ReleaseSources = Array<{ kind: string; namespace: string; name: string }>;

export function sessionFacts(contextId: string, session: ClusterSession): SessionFacts {
  const info = session.info();
  return info.status === 'read-only'
    ? { contextId, readOnlyReason: info.statusReason ?? 'this user may only read' }
    : { contextId };
}

/** The console's calls over cluster sessions, the routing core and the apply engine. */
export function createConsoleHandlers(deps: ConsoleDependencies): ConsoleCalls & {
  dispose(): Promise<void>;
  listContexts(): Promise<ContextList>;
  /** The kubeconfig files changed: the context list should be sent again. */
  onContextsChanged(listener: () => void): () => void;
  /** The open session of a context, for the metrics service (throws a clear 'unavailable'). */
  session(contextId: string): ClusterSession;
  /** Live copies of objects from the synced cache (undefined: not in the cluster); needs a connection. */
  liveObjects(contextId: string, keys: readonly ObjectKey[]): Promise<Array<KubeObject | undefined>>;
  /** Stores a plan for `release.apply` and answers its review (dry-run included). */
  reviewPlan(p: ExternalPlan): Promise<PlanView>;
  /** The objects a new draft of a release starts from (its routes, DestinationRules, Services, Deployments). */
  draftBase(contextId: string, releaseId: string): Promise<DraftBase>;
} {
  const engine = deps.engine ?? re2Engine();
  const lint = createReleaseLinter(engine);
  const stable = createStableVersions();
  const history =
    deps.history ??
    createHistoryStore({
      dir: join(deps.dataDir, 'history'),
      onSkipped: (lines) =>
        console.warn(`history: ${lines.map((l) => `${l.file}:${l.line}: ${l.reason}`).join('; ')}`),
    });
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
  const { engineFor } = plans;
  const events = createConsoleEvents({ sessions, emit: deps.emit, lint, stable });
  let demoSample: ReturnType<typeof demoSampleRequests> | undefined;
  /** The demo visitor population, drawn once and shared by every estimate. */
  function demoRequests(): ReturnType<typeof demoSampleRequests> {
    if (!demoSample) demoSample = demoSampleRequests();
    return demoSample;
  }

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
    if (!cache.synced) {
      await cache.whenSynced(SYNC_TIMEOUT_MS).catch(() => {
        throw new ApiFailure(
          'timeout',
          `the cluster of '${contextId}' did not list its objects within ${SYNC_TIMEOUT_MS / 1000} s`,
        );
      });
      releases.flush();
    }
    if (releases.releases().length === 0) releases.flush();
    events.follow(contextId, session);
    snapshots.track(contextId, session);
    return session;
  }

  /** Objects as the synced watch cache of a context has them, for Undo's availability (no request). */
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

  function releaseOf(session: ClusterSession, releaseId: string) {
    const release = session.releases?.get(releaseId);
    if (!release)
      throw new ApiFailure(
        'not-found',
        `no service '${releaseId}' in this cluster (it may have been deleted)`,
      );
    return release;
  }

  /** A new History entry, pushed to the renderer as it is written. */
  async function announce(historyId: string | undefined): Promise<void> {
    if (!historyId) return;
    const entry = await history.get(historyId).catch(() => undefined);
    if (!entry) return;
    const undone = entry.undoOf ? await history.get(entry.undoOf).catch(() => undefined) : undefined;
    const [view] = historyViews(undone ? [entry, undone] : [entry], liveLookupOf);
    if (view) deps.emit('history.recorded', view);
  }

  async function prometheusFor(contextId: string): Promise<PrometheusClient | { none: string }> {
    if (deps.prometheusFor) return deps.prometheusFor(contextId);
    const session = sessions.session(contextId);
    const where = session.info().prometheus;
    if (where?.kind !== 'service' || !session.client)
      return { none: where?.kind === 'none' ? where.reason : 'no Prometheus was found for this cluster' };
    const description = `Prometheus service ${where.namespace}/${where.name}:${where.port}`;
    return createPrometheusClient({
      transport: kubeProxyTransport(session.client, where.proxyPath, description),
      timeoutMs: 10_000,
    });
  }

  const grayscale = createGrayscaleReleases({
    dataDir: deps.dataDir,
    emit: deps.emit,
    ready,
    engineFor,
    userOf: async (contextId) => (await sessions.summary(contextId)).user,
    readOnlyReason: (session) => sessionFacts('', session).readOnlyReason,
    ...(deps.rolloutTimeoutMs !== undefined ? { rolloutTimeoutMs: deps.rolloutTimeoutMs } : {}),
    health: async (contextId, release, canary, stable) => {
      const p = await prometheusFor(contextId);
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

  function sourceObjects(session: ClusterSession, release: { sources: ReleaseSources }): KubeObject[] {
    const lookup = cacheLookup(session.cache!);
    return release.sources
      .map((s) => lookup.find(s.kind, s.namespace, s.name))
      .filter((o): o is KubeObject => o !== undefined);
  }

  return {
    listContexts: () => sessions.listContexts(),
    onContextsChanged: (listener: () => void) => sessions.onContextsChanged(listener),
    session: (contextId: string) => sessions.session(contextId),
    async liveObjects(contextId, keys) {
      const session = await ready(contextId);
      return keys.map((k) => {
        const ref = refOf(k);
        if (!ref) throw new ApiFailure('invalid-request', `Switchyard does not watch ${k.kind} objects`);
        return session.cache!.find(ref);
      });
    },
    draftBase(contextId, releaseId) {
      return snapshots.liveOrSnapshot(
        contextId,
        async (): Promise<DraftBase> => {
          const session = await ready(contextId);
          const release = releaseOf(session, releaseId);
          return {
            origin: 'live',
            capturedAt: new Date().toISOString(),
            objects: sourceObjects(session, release),
          };
        },
        (offline) => ({
          origin: 'snapshot',
          capturedAt: offline.capturedAt,
          objects: offline.sourceObjects(releaseId),
        }),
        (err) =>
          new ApiFailure(
            'unavailable',
            `${err.message}; there is no offline snapshot of '${contextId}' yet to draft from (connect to it once first)`,
          ),
      );
    },
    async reviewPlan(p) {
      const session = await ready(p.contextId);
      const facts = sessionFacts(p.contextId, session);
      if (facts.readOnlyReason)
        throw new ApiFailure('forbidden', `read-only session: ${facts.readOnlyReason}`);
      const stored = plans.store({
        contextId: p.contextId,
        releaseId: p.releaseId,
        plan: p.plan,
        kind: 'change',
        description: p.description,
        ...(p.onApplied ? { onApplied: p.onApplied } : {}),
      });
      return plans.view(session, stored, p.summary);
    },
    async 'sessions.open'({ contextId }) {
      const summary = await sessions.open(contextId);
      const session = sessions.session(contextId);
      events.follow(contextId, session);
      return summary;
    },
    async 'sessions.close'({ contextId }) {
      events.unfollow(contextId);
      // The last state goes to disk before the cache stops.
      await snapshots.untrack(contextId);
      return { closed: await sessions.close(contextId) };
    },
    'services.list'({ contextId }) {
      return snapshots.liveOrSnapshot(
        contextId,
        async () => {
          const session = await ready(contextId);
          const lookup = cacheLookup(session.cache!);
          const facts = sessionFacts(contextId, session);
          const services = session.releases!.releases().map((r) => summarizeRelease(r, lookup, facts, lint));
          services.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
          return { services };
        },
        async (offline) => ({ services: await offline.services(), snapshotAt: offline.capturedAt }),
      );
    },
    'release.get'({ contextId, releaseId }) {
      return snapshots.liveOrSnapshot(
        contextId,
        async () => {
          const session = await ready(contextId);
          const release = releaseOf(session, releaseId);
          events.watchRelease(contextId, releaseId);
          return releaseView(
            release,
            cacheLookup(session.cache!),
            sessionFacts(contextId, session),
            lint,
            stable.observe(release),
          );
        },
        (offline) => offline.view(releaseId),
      );
    },
    async 'release.plan'({ contextId, releaseId, desired, workflowId }) {
      const session = await ready(contextId);
      const facts = sessionFacts(contextId, session);
      if (facts.readOnlyReason)
        throw new ApiFailure('forbidden', `read-only session: ${facts.readOnlyReason}`);
      const release = releaseOf(session, releaseId);
      const objects = sourceObjects(session, release);
      let plan: AnyPlan;
      try {
        plan = planRelease(release, desiredFromInput(release, desired, engine), objects);
      } catch (err) {
        throw editFailure(err);
      }
      const split = desired.split.map((s) => `${s.version} ${s.weight}%`).join(', ');
      const description = `${release.host}: ${split}${desired.rules.length ? `; ${desired.rules.filter((r) => r.enabled).length} rule(s)` : ''}`;
      const workflow = workflowId
        ? { id: workflowId, split: Object.fromEntries(desired.split.map((x) => [x.version, x.weight])) }
        : undefined;
      const stored = plans.store({
        contextId,
        releaseId,
        plan,
        kind: 'change',
        description,
        ...(workflow ? { workflow } : {}),
      });
      const summary =
        plan.steps.length === 0
          ? 'Nothing to change: the cluster already has this.'
          : `${plan.steps.length} step(s) on ${release.host}`;
      return plans.view(session, stored, summary);
    },
    async 'release.apply'({ planId }) {
      const stored = plans.find(planId);
      const session = await ready(stored.contextId);
      const summary = await sessions.summary(stored.contextId);
      plans.forget(planId);
      const result = await engineFor(session).apply({
        plan: stored.plan,
        context: stored.contextId,
        user: summary.user,
        objects: plans.currentObjects(session, stored.plan),
        kind: stored.kind,
        description: stored.description,
        ...(stored.undoOf ? { undoOf: stored.undoOf } : {}),
        onProgress: (e) => events.progress(planId, e),
      });
      session.releases?.flush();
      if (result.ok) await announce(result.historyId);
      if (result.ok && stored.onApplied) await stored.onApplied(result.historyId);
      if (result.ok && stored.workflow)
        await grayscale.recordRouted(
          stored.contextId,
          stored.workflow.id,
          stored.workflow.split,
          result.historyId,
        );
      return applyResultView(planId, result);
    },
    async 'history.list'({ contextId, releaseId }) {
      const page = await history.read({
        ...(contextId !== undefined ? { context: contextId } : {}),
        ...(releaseId !== undefined ? { releaseId } : {}),
        limit: 200,
      });
      return {
        entries: historyViews(page.entries, liveLookupOf),
        ...(page.skipped.length > 0 ? { skipped: page.skipped } : {}),
      };
    },
    async 'history.undo'({ entryId }) {
      const entry = await history.get(entryId);
      if (!entry) throw new ApiFailure('not-found', `no history entry '${entryId}'`);
      const session = await ready(entry.context);
      const plan = await planUndoFor(entry, session);
      const stored = plans.store({
        contextId: entry.context,
        releaseId: entry.releaseId,
        plan,
        kind: 'undo',
        undoOf: entry.id,
        description: `undo: ${entry.description}`,
      });
      const what = summarizeChange(entry.steps) || entry.description;
      return plans.view(session, stored, `Undo “${what}” (${plan.steps.length} step(s))`);
    },
    async 'release.preview'({ contextId, releaseId, desired, sample }) {
      const session = await ready(contextId);
      const release = releaseOf(session, releaseId);
      const source = sample === undefined || sample === 'demo' ? 'demo' : 'jsonl';
      if (source === 'demo' && !demoSample) demoSample = demoSampleRequests();
      const requests =
        sample === undefined || sample === 'demo' ? await demoSample! : parseSampleJsonl(sample.jsonl);
      return previewRelease({
        release,
        input: desired,
        objects: sourceObjects(session, release),
        engine,
        requests,
        source,
      });
    },
    async 'release.allTraffic'(req) {
      const session = await ready(req.contextId);
      const facts = sessionFacts(req.contextId, session);
      if (facts.readOnlyReason)
        throw new ApiFailure('forbidden', `read-only session: ${facts.readOnlyReason}`);
      const release = releaseOf(session, req.releaseId);
      const change = planAllTraffic(release, sourceObjects(session, release), req);
      const stored = plans.store({
        contextId: req.contextId,
        releaseId: req.releaseId,
        plan: change.plan,
        kind: 'change',
        description: change.description,
      });
      return {
        purpose: req.purpose,
        version: req.version,
        rules: change.edit.rules,
        untouched: change.edit.untouched,
        drained: change.edit.drained,
        mirrors: change.edit.mirrors,
        ...(change.restores ? { restores: change.restores } : {}),
        plan: await plans.view(session, stored, change.summary),
        traffic: allTrafficShares(
          release,
          change.edit,
          await demoRequests(),
          engine,
          `estimated by routing ${DEMO_SAMPLE_SIZE.toLocaleString('en-US')} requests of the demo visitor population through the route`,
        ),
      };
    },
    'release.health': (req) => grayscale.health(req),
    async 'rules.check'({ patterns }) {
      return { results: patterns.map((pattern) => ({ pattern, error: engine.check(pattern) })) };
    },
    'release.start': (req) => grayscale.start(req),
    'release.workflows': (req) => grayscale.list(req),
    'release.promote': (req) => grayscale.promote(req),
    'release.finalize': (req) => grayscale.finalize(req),
    'release.abort': (req) => grayscale.abort(req),
    'release.resume': (req) => grayscale.resume(req),
    ...createNamespaceHandlers(sessions),
    async dispose() {
      // Operations still waiting on a rollout are left behind: their saved state resumes later.
      // Pending snapshots are written first, while the caches still hold the objects.
      offSnapshotSessions();
      await snapshots.dispose();
      events.dispose();
      await sessions.dispose();
    },
  };
}
