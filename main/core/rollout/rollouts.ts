import { join } from 'node:path';
import type { PlanView, RolloutPlanProgress, RolloutPlanView } from '../../../shared/api/console-schemas.ts';
import type { CallRequest } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { ReleaseHealthView } from '../../../shared/api/release-flow-schemas.ts';
import type { ServiceRelease, TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { HealthVerdict } from '../../../shared/metrics/health-verdict.ts';
import type { EventSink } from '../api-dispatch.ts';
import type { ApplyEngine } from '../apply/apply-engine.ts';
import type { EnginePlan } from '../apply/apply-types.ts';
import { watcherFromWatchCache } from '../apply/watch-cache-adapter.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import { createKubeApi } from '../kube-api.ts';
import { cacheLookup } from '../services/cache-lookup.ts';
import { noReadyPodReason } from '../views/version-readiness.ts';
import { healthSummary } from './rollout-health.ts';
import { rolloutProgress } from './rollout-progress.ts';
import type { ReleaseEvent, ReleaseState } from './rollout-state.ts';
import { FINISHED } from './rollout-state.ts';
import type { ReleaseStateStore } from './rollout-state-store.ts';
import { createReleaseStateStore } from './rollout-state-store.ts';
import { rolloutPlanProgressOf, rolloutPlanView, storeDirName } from './rollout-views.ts';
import type { RolloutWorkflow } from './rollout-workflow.ts';
import { createRolloutWorkflow } from './rollout-workflow.ts';

// The wizard's calls over engine F's release workflow. Operations that wait on the cluster (start,
// resume) return once the release is saved and carry on in the background, reporting through
// `rollout.progress`; a workflow instance is made per operation so its events name their release.

export interface RolloutsDependencies {
  dataDir: string;
  emit: EventSink;
  /** The open, synced session of a context (or a clear ApiFailure). */
  ready(contextId: string): Promise<ClusterSession>;
  engineFor(session: ClusterSession): ApplyEngine;
  /** The kubeconfig user of a context, for history. */
  userOf(contextId: string): Promise<string>;
  readOnlyReason(session: ClusterSession): string | undefined;
  rolloutTimeoutMs?: number;
  /** The canary's health next to the stable version, from the context's Prometheus. */
  health?: (
    contextId: string,
    release: ServiceRelease,
    canary: string,
    stable: string,
  ) => Promise<HealthVerdict>;
  /** A wizard step wrote a history entry: the renderer hears of it now. */
  onHistory?: (historyId: string) => void;
  /** Stores a plan for review (release.apply applies it, then `onApplied` runs) and answers the review. */
  review(p: {
    contextId: string;
    releaseId: string;
    plan: EnginePlan;
    description: string;
    summary: string;
    onApplied: (historyId: string | undefined) => Promise<void>;
  }): Promise<PlanView>;
}

export interface Rollouts {
  start(req: CallRequest<'rollout.start'>): Promise<RolloutPlanView>;
  list(req: CallRequest<'rollout.list'>): Promise<{ rollouts: RolloutPlanView[] }>;
  promote(req: CallRequest<'rollout.promote'>): Promise<RolloutPlanView>;
  health(req: CallRequest<'rollout.health'>): Promise<ReleaseHealthView>;
  /** The finalize plan, for review: applying it finalizes the release. */
  finalize(req: CallRequest<'rollout.finalize'>): Promise<PlanView>;
  abort(req: CallRequest<'rollout.abort'>): Promise<RolloutPlanView>;
  /** Gateway API, after finalize: the plan deleting the old backend Service, for review. */
  deleteOldService(req: CallRequest<'rollout.deleteOldService'>): Promise<PlanView>;
  resume(req: CallRequest<'rollout.resume'>): Promise<RolloutPlanView>;
  /** A change reviewed and applied through the console for a release in the wizard. */
  recordRouted(contextId: string, id: string, split: TrafficSplit, historyId?: string): Promise<void>;
  /** Resolves once background operations have settled (tests, shutdown). */
  settled(): Promise<void>;
  /** The saved state of a release, if there is one (no session needed). */
  state(contextId: string, id: string): Promise<ReleaseState | undefined>;
  /** A saved release on a writable session with no operation running on it (for its step plan). */
  prepare(
    contextId: string,
    id: string,
    what: string,
  ): Promise<{ state: ReleaseState; session: ClusterSession }>;
  /** A change of a release made the way the wizard's own operations are (progress and History told). */
  change(
    contextId: string,
    id: string,
    what: string,
    fn: (wf: RolloutWorkflow) => Promise<ReleaseState>,
  ): Promise<RolloutPlanView>;
}

/** A store that shows the workflow only one release, so `resumeReleases()` continues just that one. */
function onlyOne(store: ReleaseStateStore, id: string): ReleaseStateStore {
  return {
    ...store,
    async list() {
      const all = await store.list();
      return { releases: all.releases.filter((r) => r.id === id), unreadable: [] };
    },
  };
}

/** A workflow over a connected session, for one operation (its events name their release). */
async function workflowOf(
  deps: RolloutsDependencies,
  contextId: string,
  session: ClusterSession,
  serviceReleaseId: string,
  store: ReleaseStateStore,
  onEvent: (e: ReleaseEvent) => void,
): Promise<RolloutWorkflow> {
  const { client, cache } = session;
  if (!client || !cache) throw new ApiFailure('unavailable', `context '${contextId}' is not connected`);
  const release = session.releases?.get(serviceReleaseId);
  const user = await deps.userOf(contextId);
  return createRolloutWorkflow({
    api: createKubeApi(client),
    engine: deps.engineFor(session),
    store,
    watcher: watcherFromWatchCache(cache),
    context: contextId,
    user,
    ...(release?.flavor === 'istio' ? { istioApiVersion: release.route.apiVersion } : {}),
    ...(deps.rolloutTimeoutMs !== undefined ? { rolloutTimeoutMs: deps.rolloutTimeoutMs } : {}),
    ...(deps.health
      ? {
          health: async (s: ReleaseState, r: ServiceRelease) => {
            const verdict = await deps.health!(contextId, r, s.canary.version, s.stable.version);
            return {
              status: verdict.status,
              canary: s.canary.version,
              stable: s.stable.version,
              verdict,
            };
          },
        }
      : {}),
    onEvent,
  });
}

/** Marks `key` running now (before any await); the answer ends the mark's promise. */
function reserve(running: Map<string, Promise<unknown>>, key: string): () => void {
  let finished!: () => void;
  running.set(
    key,
    new Promise<void>((resolve) => {
      finished = resolve;
    }),
  );
  return finished;
}

/**
 * Even with the health check overridden, a promote is refused while the canary has no ready pod:
 * all traffic to it would fail (503), whatever its earlier figures said.
 */
function refuseWithoutReadyPods(session: ClusterSession, state: ReleaseState): void {
  const release = session.releases?.get(state.serviceReleaseId);
  const why =
    release && session.cache
      ? noReadyPodReason(release, state.canary.version, cacheLookup(session.cache))
      : undefined;
  if (why)
    throw new ApiFailure(
      'conflict',
      `not promoting ${state.canary.version}: it ${why}, so every request would fail (503); scale it up or wait for its pods first`,
    );
}

/** What the wizard's calls share: state stores, running operations, progress events, views. */
function createRolloutRuntime(deps: RolloutsDependencies) {
  const stores = new Map<string, ReleaseStateStore>();
  const running = new Map<string, Promise<unknown>>();
  const lastRollout = new Map<string, RolloutPlanProgress['rollout']>();
  const runKey = (contextId: string, id: string) => `${contextId}|${id}`;

  function storeOf(contextId: string): ReleaseStateStore {
    let store = stores.get(contextId);
    if (!store) {
      store = createReleaseStateStore(join(deps.dataDir, 'releases', storeDirName(contextId)));
      stores.set(contextId, store);
    }
    return store;
  }

  async function writable(contextId: string): Promise<ClusterSession> {
    const session = await deps.ready(contextId);
    const reason = deps.readOnlyReason(session);
    if (reason) throw new ApiFailure('forbidden', `read-only session: ${reason}`);
    return session;
  }

  function emitProgress(contextId: string, state: ReleaseState, extra: Partial<RolloutPlanProgress>) {
    deps.emit(
      'rollout.progress',
      rolloutPlanProgressOf(contextId, state, running.has(runKey(contextId, state.id)), extra),
    );
  }

  function workflowFor(
    contextId: string,
    session: ClusterSession,
    serviceReleaseId: string,
    store: ReleaseStateStore,
    listen?: (e: ReleaseEvent) => void,
  ): Promise<RolloutWorkflow> {
    return workflowOf(deps, contextId, session, serviceReleaseId, store, (e) => {
      listen?.(e);
      void onEvent(contextId, e);
    });
  }

  async function onEvent(contextId: string, e: ReleaseEvent) {
    const state = await storeOf(contextId)
      .load(e.releaseId)
      .catch(() => undefined);
    if (e.type === 'history') deps.onHistory?.(e.historyId);
    if (!state || e.type === 'history') return;
    if (e.type === 'rollout') {
      const { name: _n, total: _t, ...rollout } = e.progress;
      lastRollout.set(runKey(contextId, e.releaseId), rollout);
      emitProgress(contextId, state, { rollout, message: `rollout: ${e.progress.message}` });
    } else if (e.type === 'phase') emitProgress(contextId, state, { phase: e.phase });
    else if (e.type === 'error') emitProgress(contextId, state, { error: e.message });
    else if (e.type === 'note') emitProgress(contextId, state, { message: e.message });
    else emitProgress(contextId, state, { message: `${e.progress.type}: ${e.progress.stepId}` });
  }

  function view(contextId: string, state: ReleaseState, session?: ClusterSession): RolloutPlanView {
    const key = runKey(contextId, state.id);
    const deployment = session?.cache?.find({
      resource: 'deployments',
      namespace: state.namespace,
      name: state.canary.deployment,
    });
    let rollout = lastRollout.get(key);
    if (deployment) {
      const { name: _n, total: _t, ...p } = rolloutProgress(deployment);
      rollout = p;
    }
    return rolloutPlanView(contextId, state, running.has(key), rollout);
  }

  /** Runs `work` in the background; resolves once the release is saved (its first phase event). */
  function background(contextId: string, session: ClusterSession, id: string, work: Promise<unknown>): void {
    const key = runKey(contextId, id);
    const tracked = work
      .catch(() => undefined)
      .finally(async () => {
        running.delete(key);
        // The new subset is in the cache already (the engine verified it); let the index see it now.
        session.releases?.flush();
        const state = await storeOf(contextId)
          .load(id)
          .catch(() => undefined);
        if (state) emitProgress(contextId, state, {});
      });
    running.set(key, tracked);
  }

  async function load(contextId: string, id: string): Promise<ReleaseState> {
    const state = await storeOf(contextId).load(id);
    if (!state) throw new ApiFailure('not-found', `no grayscale release '${id}' in context '${contextId}'`);
    return state;
  }

  function notRunning(contextId: string, id: string, what: string) {
    if (running.has(runKey(contextId, id)))
      throw new ApiFailure('conflict', `cannot ${what} ${id} now: it is still working; wait for it`);
  }

  /** One operation that finishes quickly (promote, finalize, abort): awaited, then viewed. */
  async function operate(
    contextId: string,
    id: string,
    what: string,
    fn: (wf: RolloutWorkflow) => Promise<ReleaseState>,
  ): Promise<RolloutPlanView> {
    const session = await writable(contextId);
    notRunning(contextId, id, what);
    // Taken before the first await: two operations sent together (a promote and an abort) both
    // passed the check while each loaded its state, then both ran, each from a state the other
    // was about to change.
    const key = runKey(contextId, id);
    const finished = reserve(running, key);
    try {
      const state = await load(contextId, id);
      const wf = await workflowFor(contextId, session, state.serviceReleaseId, storeOf(contextId));
      const out = await fn(wf);
      session.releases?.flush();
      return view(contextId, out, session);
    } finally {
      running.delete(key);
      finished();
      const after = await storeOf(contextId)
        .load(id)
        .catch(() => undefined);
      if (after) emitProgress(contextId, after, {});
    }
  }

  return {
    storeOf,
    writable,
    emitProgress,
    workflowFor,
    view,
    background,
    load,
    notRunning,
    operate,
    running,
    runKey,
  };
}

export function createRollouts(deps: RolloutsDependencies): Rollouts {
  const rt = createRolloutRuntime(deps);
  const { storeOf, writable, emitProgress, workflowFor, view, background, load, notRunning, operate } = rt;
  const { running, runKey } = rt;

  return {
    async prepare(contextId, id, what) {
      const session = await writable(contextId);
      notRunning(contextId, id, what);
      return { state: await load(contextId, id), session };
    },
    change: operate,
    state: (contextId, id) => storeOf(contextId).load(id),
    async start(req) {
      const session = await writable(req.contextId);
      const release = session.releases?.get(req.releaseId);
      if (!release)
        throw new ApiFailure(
          'not-found',
          `no service '${req.releaseId}' in this cluster (it may have been deleted)`,
        );
      const store = storeOf(req.contextId);
      // The first saved phase means the input was accepted; the rest runs in the background.
      let accept!: (id: string) => void;
      const accepted = new Promise<string>((resolve) => {
        accept = resolve;
      });
      const wf = await workflowFor(req.contextId, session, req.releaseId, store, (e) => {
        if (e.type === 'phase') accept(e.releaseId);
      });
      const started = wf.start({
        serviceReleaseId: req.releaseId,
        namespace: release.namespace,
        stableVersion: req.fromVersion,
        version: req.newVersion,
        image: req.image,
        replicas: req.replicas,
      });
      const first = await Promise.race([started.then((s) => s.id), accepted]);
      background(req.contextId, session, first, started);
      return view(req.contextId, await load(req.contextId, first), session);
    },
    async list({ contextId, releaseId }) {
      const session = await deps.ready(contextId);
      const { releases } = await storeOf(contextId).list();
      const wanted = releases
        .filter((r) => !FINISHED.includes(r.phase))
        .filter((r) => releaseId === undefined || r.serviceReleaseId === releaseId)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return { rollouts: wanted.map((r) => view(contextId, r, session)) };
    },
    async promote({ contextId, id, override, rules }) {
      refuseWithoutReadyPods(await deps.ready(contextId), await load(contextId, id));
      return operate(contextId, id, 'promote', (wf) =>
        wf.promote(id, {
          ...(override !== undefined ? { override } : {}),
          ...(rules !== undefined ? { rules } : {}),
        }),
      );
    },
    async health({ contextId, id }) {
      const session = await deps.ready(contextId);
      const state = await load(contextId, id);
      const wf = await workflowFor(contextId, session, state.serviceReleaseId, storeOf(contextId));
      const h = await wf.health(id);
      return {
        id,
        canary: h.canary,
        stable: h.stable,
        status: h.status,
        summary: healthSummary(h),
        ...(h.status !== 'unknown' ? { verdict: h.verdict } : {}),
      };
    },
    async finalize({ contextId, id, mode }) {
      const session = await writable(contextId);
      notRunning(contextId, id, 'finalize');
      const state = await load(contextId, id);
      const wf = await workflowFor(contextId, session, state.serviceReleaseId, storeOf(contextId));
      const planned = await wf.planFinalize(id, mode);
      return deps.review({
        contextId,
        releaseId: state.serviceReleaseId,
        plan: planned.plan,
        description: `${id}: ${planned.description}`,
        summary: `Finalize the release of ${state.canary.version}: ${planned.plan.steps.length} step(s)`,
        onApplied: async (historyId) => {
          const after = await wf.markFinalized(id, historyId);
          session.releases?.flush();
          emitProgress(contextId, after, { phase: after.phase });
        },
      });
    },
    async deleteOldService({ contextId, id }) {
      const session = await writable(contextId);
      notRunning(contextId, id, 'delete the old Service of');
      const state = await load(contextId, id);
      const wf = await workflowFor(contextId, session, state.serviceReleaseId, storeOf(contextId));
      const planned = await wf.planRetireService(id);
      return deps.review({
        contextId,
        releaseId: state.serviceReleaseId,
        plan: planned.plan,
        description: `${id}: ${planned.description}`,
        summary: `Delete Service ${state.gateway?.stableService ?? ''} of the old version: 1 step`,
        onApplied: async (historyId) => {
          const after = await wf.markServiceRetired(id, historyId);
          emitProgress(contextId, after, { message: planned.description });
        },
      });
    },
    abort: ({ contextId, id, scaleToZero }) =>
      operate(contextId, id, 'abort', (wf) => wf.abort(id, { scaleToZero: scaleToZero ?? true })),
    async resume({ contextId, id }) {
      const session = await writable(contextId);
      const state = await load(contextId, id);
      if (running.has(runKey(contextId, id))) return view(contextId, state, session);
      const store = onlyOne(storeOf(contextId), id);
      const wf = await workflowFor(contextId, session, state.serviceReleaseId, store);
      background(
        contextId,
        session,
        id,
        wf.resumeReleases().then((reports) => {
          const failed = reports.find((r) => r.outcome === 'failed');
          if (failed) throw new Error(failed.error);
        }),
      );
      return view(contextId, state, session);
    },
    async recordRouted(contextId, id, split, historyId) {
      const store = storeOf(contextId);
      const state = await store.load(id);
      if (!state || !['ready', 'routing'].includes(state.phase)) return;
      state.phase = 'routing';
      state.split = split;
      if (historyId) state.historyIds.push(historyId);
      state.updatedAt = new Date().toISOString();
      await store.save(state);
      emitProgress(contextId, state, { phase: 'routing' });
    },
    async settled() {
      await Promise.all([...running.values()]);
    },
  };
}
