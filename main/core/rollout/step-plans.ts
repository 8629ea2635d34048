// The `rollout.steps.*` calls: a release plan started on a rollout that is ready or routing, with
// the route as it was recorded first, carried out by the step runner (weight steps through the
// rollout's own safe apply, gates from Prometheus), and the operator's pause, resume, skip,
// approve and abort. Saved plans resume when their context's session connects again.

import { join } from 'node:path';
import type { CallRequest } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { StepPlanInput, StepPlanView } from '../../../shared/api/step-plan-schemas.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { setMirror } from '../../../shared/mesh/plan/index.ts';
import { splitDrift } from '../../../shared/rollout/split-drift.ts';
import type { StepProgress } from '../../../shared/rollout/step-decision.ts';
import { DEFAULT_MIN_WINDOW_SECONDS, FINISHED_PLAN_STATES } from '../../../shared/rollout/step-decision.ts';
import type { StepPlan } from '../../../shared/rollout/step-plan.ts';
import {
  DEFAULT_GATES,
  DEFAULT_HOLD_SECONDS,
  defaultStepPlan,
  describeProblems,
  planProblems,
} from '../../../shared/rollout/step-plan.ts';
import {
  aborting,
  approved,
  paused,
  restarted,
  resumed,
  StepPlanError,
  skippedTo,
  startProgress,
} from '../../../shared/rollout/step-progress.ts';
import type { EventSink } from '../api-dispatch.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { PrometheusClient } from '../metrics/prometheus-client.ts';
import type { ProxyConfirmations } from '../proxies/proxy-confirmations.ts';
import { cacheLookup } from '../services/cache-lookup.ts';
import { noReadyPodReason } from '../views/version-readiness.ts';
import { undeliveredIn, versionStats, windowStats } from './rollout-health.ts';
import type { ReleaseState } from './rollout-state.ts';
import { storeDirName } from './rollout-views.ts';
import type { RolloutWorkflow } from './rollout-workflow.ts';
import type { Rollouts } from './rollouts.ts';
import { routeBefore } from './step-plan-route.ts';
import type { StepPlanRecord, StepPlanStore } from './step-plan-store.ts';
import { createStepPlanStore } from './step-plan-store.ts';
import { stepPlanView } from './step-plan-views.ts';
import type { Timers } from './step-runner.ts';
import { createStepRunner, systemTimers } from './step-runner.ts';

export interface StepPlansDependencies {
  dataDir: string;
  emit: EventSink;
  rollouts: Rollouts;
  ready(contextId: string): Promise<ClusterSession>;
  prometheusFor(contextId: string): Promise<PrometheusClient | { none: string }>;
  /** Confirmation at the proxies: a step's hold begins once it is in effect at all of them. */
  proxies?: Pick<ProxyConfirmations, 'waitForProxies'>;
  /** How long one look waits for the proxies before it lets the plan's other work go on (default 5 s). */
  proxyWaitMs?: number;
  timers?: Timers;
  /** How often a running plan is looked at (default 1 s). */
  tickMs?: number;
  /** The shortest window gate figures are read over (default 30 s: a few Prometheus scrapes). */
  minWindowSeconds?: number;
  /** A gap between ticks longer than this (the machine slept) restarts the hold (default 30 s). */
  interruptedAfterMs?: number;
}

type Ref = { contextId: string; id: string };

export interface StepPlans {
  start(req: CallRequest<'rollout.steps.start'>): Promise<StepPlanView>;
  get(req: Ref): Promise<StepPlanView>;
  pause(req: Ref): Promise<StepPlanView>;
  resume(req: Ref): Promise<StepPlanView>;
  skip(req: CallRequest<'rollout.steps.skip'>): Promise<StepPlanView>;
  approve(req: Ref): Promise<StepPlanView>;
  abort(req: Ref): Promise<StepPlanView>;
  /** Carries on the saved running plans of a context whose session connected (holds restart). */
  resumeContext(contextId: string): Promise<void>;
  /** Stops carrying out a context's plans (its session closed); their progress stays saved. */
  stopContext(contextId: string): void;
  settled(): Promise<void>;
  dispose(): void;
}

/** A plan as the contract gives it, with the defaults filled in (a hold of 300 s, the default gates). */
export function planOf(input: StepPlanInput | undefined): StepPlan {
  if (!input) return defaultStepPlan();
  return {
    steps: input.steps.map((s) =>
      s.kind === 'approval'
        ? { kind: 'approval', ...(s.note !== undefined ? { note: s.note } : {}) }
        : s.kind === 'mirror'
          ? {
              kind: 'mirror',
              percent: s.percent,
              holdSeconds: s.holdSeconds ?? DEFAULT_HOLD_SECONDS,
              gates: { ...DEFAULT_GATES, ...s.gates },
            }
          : {
              kind: 'weight',
              weight: s.weight,
              holdSeconds: s.holdSeconds ?? (s.weight === 100 ? 0 : DEFAULT_HOLD_SECONDS),
              gates: { ...DEFAULT_GATES, ...s.gates },
            },
    ),
  };
}

/** A plan with a mirror step on a route that cannot mirror to the canary (Gateway API, …) is refused. */
function mirrorRefusal(plan: StepPlan, release: ServiceRelease, canary: string): void {
  const i = plan.steps.findIndex((s) => s.kind === 'mirror');
  if (i < 0) return;
  try {
    setMirror(release, { version: canary, percentage: 100 });
  } catch (err) {
    throw new ApiFailure(
      'invalid-request',
      `step ${i + 1} mirrors traffic to ${canary}, which ${release.id} cannot: ${(err as Error).message}`,
    );
  }
}

function failureOf(err: unknown): never {
  if (err instanceof StepPlanError) throw new ApiFailure('invalid-request', err.message);
  throw err;
}

/** A change of the plan's rollout; answers its History entry, if it wrote one (no change writes none). */
async function changeOf(
  deps: StepPlansDependencies,
  r: StepPlanRecord,
  what: string,
  fn: (wf: RolloutWorkflow) => Promise<ReleaseState>,
): Promise<string | undefined> {
  const before = (await deps.rollouts.state(r.contextId, r.id))?.historyIds.length ?? 0;
  let historyId: string | undefined;
  await deps.rollouts.change(r.contextId, r.id, what, async (wf) => {
    const out = await fn(wf);
    if (out.historyIds.length > before) historyId = out.historyIds.at(-1);
    return out;
  });
  return historyId;
}

/** The runner over the rollouts: weight steps and restores through their safe apply, gates from Prometheus. */
function runnerOf(
  deps: StepPlansDependencies,
  timers: Timers,
  storeOf: (contextId: string) => StepPlanStore,
  changed: (r: StepPlanRecord) => void,
) {
  return createStepRunner({
    storeOf,
    timers,
    tickMs: deps.tickMs ?? 1000,
    minWindowSeconds: deps.minWindowSeconds ?? DEFAULT_MIN_WINDOW_SECONDS,
    interruptedAfterMs: deps.interruptedAfterMs ?? 30_000,
    changed,
    async gone(r) {
      const s = await deps.rollouts.state(r.contextId, r.id);
      if (!s) return `the rollout ${r.id} is gone`;
      return s.phase === 'ready' || s.phase === 'routing' ? undefined : `the rollout ${r.id} is ${s.phase}`;
    },
    async routeChanged(r) {
      const session = await deps.ready(r.contextId);
      const route = session.releases?.get(r.serviceReleaseId)?.defaultRoute;
      if (!route) return undefined;
      const live = route.destinations.map((d) => ({ version: d.version, weight: d.weight }));
      return splitDrift(r.split ?? r.before.split, live);
    },
    async canaryUnready(r) {
      const session = await deps.ready(r.contextId);
      const release = session.releases?.get(r.serviceReleaseId);
      return release && session.cache
        ? noReadyPodReason(release, r.canary, cacheLookup(session.cache))
        : undefined;
    },
    async figures(r, windowSeconds) {
      const session = await deps.ready(r.contextId);
      const release = session.releases?.get(r.serviceReleaseId);
      if (!release) throw new Error(`no service '${r.serviceReleaseId}' in this cluster`);
      const p = await deps.prometheusFor(r.contextId);
      if ('none' in p) throw new Error(`no Prometheus to read the gates from: ${p.none}`);
      const stats = await windowStats({ client: p, release, windowSeconds });
      const canary = versionStats(stats, r.canary);
      const stable = versionStats(stats, r.stable);
      const undelivered = undeliveredIn(stats);
      if (r.plan.steps[r.progress.current]?.kind !== 'mirror')
        return { canary, stable, windowSeconds, undelivered };
      const canaryWeight = (r.split ?? r.before.split).find((v) => v.version === r.canary)?.weight ?? 0;
      return { canary, stable, windowSeconds, undelivered, mirror: { canaryWeight } };
    },
    inEffect: (r) => stepInEffect(deps, r),
    applySplit: (r, split, description) =>
      changeOf(deps, r, 'apply a step of the release plan of', (wf) => wf.route(r.id, split, description)),
    applyMirror: (r, mirror, description) =>
      changeOf(deps, r, 'mirror traffic in the release plan of', (wf) =>
        wf.mirror(r.id, mirror, description),
      ),
    restore: (r, description) =>
      changeOf(deps, r, 'restore the route of', (wf) => wf.restoreRoute(r.id, r.before, description)),
  });
}

/** Whether the step just applied is in effect at every proxy of the host (unknown: go on, say why). */
async function stepInEffect(
  deps: StepPlansDependencies,
  r: StepPlanRecord,
): Promise<{ ok: true; note?: string } | { ok: false; why: string }> {
  if (!deps.proxies) return { ok: true };
  const v = await deps.proxies.waitForProxies(r.contextId, r.serviceReleaseId, {
    timeoutMs: deps.proxyWaitMs ?? 5000,
  });
  if (!v.known) return { ok: true, note: `proxy status not known: ${v.reason}` };
  const count = `in effect at ${v.inEffect} of ${v.total} proxies`;
  if (v.inEffect >= v.total) return { ok: true, note: count };
  const stale = v.stale.map((p) => p.id);
  return {
    ok: false,
    why: `${count}; waiting for ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ` and ${stale.length - 5} more` : ''}`,
  };
}

export function createStepPlans(deps: StepPlansDependencies): StepPlans {
  const timers = deps.timers ?? systemTimers;
  const stores = new Map<string, StepPlanStore>();
  const storeOf = (contextId: string) => {
    let s = stores.get(contextId);
    if (!s) {
      s = createStepPlanStore(join(deps.dataDir, 'releases', storeDirName(contextId), 'steps'));
      stores.set(contextId, s);
    }
    return s;
  };
  const view = (r: StepPlanRecord) => stepPlanView(r, runner.watching(r.contextId, r.id));
  const changed = (r: StepPlanRecord) => deps.emit('rollout.steps.changed', view(r));

  const runner = runnerOf(deps, timers, storeOf, changed);

  /** A saved plan of an open context (an unknown or closed context answers why, as rollout.* do). */
  async function load({ contextId, id }: Ref): Promise<StepPlanRecord> {
    await deps.ready(contextId);
    const r = await storeOf(contextId).load(id);
    if (!r) throw new ApiFailure('not-found', `no release plan on rollout '${id}' in context '${contextId}'`);
    return r;
  }

  /** Changes a plan's progress (one at a time with its ticks), saves it, tells, and watches it. */
  async function operate(ref: Ref, change: (r: StepPlanRecord) => StepProgress): Promise<StepPlanView> {
    const r = await runner.serial(ref.contextId, ref.id, async () => {
      const rec = await load(ref);
      try {
        rec.progress = change(rec);
      } catch (err) {
        failureOf(err);
      }
      rec.updatedAt = timers.now();
      await storeOf(ref.contextId).save(rec);
      return rec;
    });
    if (r.progress.state === 'running' || r.progress.state === 'rolling-back')
      runner.watch(ref.contextId, ref.id);
    changed(r);
    return view(r);
  }

  return {
    async start({ contextId, id, plan: input }) {
      const plan = planOf(input);
      const problems = planProblems(plan);
      if (problems.length > 0)
        throw new ApiFailure(
          'invalid-request',
          `the release plan cannot run: ${describeProblems(problems)}`,
          {
            problems,
          },
        );
      const { state, session } = await deps.rollouts.prepare(contextId, id, 'start a release plan on');
      if (state.phase !== 'ready' && state.phase !== 'routing')
        throw new ApiFailure(
          'invalid-request',
          `cannot start a release plan on ${id}: it is ${state.phase}; a plan starts from a rollout that is ready or routing`,
        );
      const previous = await storeOf(contextId).load(id);
      if (previous && !FINISHED_PLAN_STATES.includes(previous.progress.state))
        throw new ApiFailure(
          'conflict',
          `a release plan is already ${previous.progress.state} on ${id}: abort it before starting another`,
        );
      const release = session.releases?.get(state.serviceReleaseId);
      if (!release?.defaultRoute)
        throw new ApiFailure(
          'invalid-request',
          `${state.serviceReleaseId} has no catch-all route (one without match) for a plan to split`,
        );
      const before = routeBefore(release);
      mirrorRefusal(plan, release, state.canary.version);
      const stable = state.stable.version;
      if (!before.split.some((v) => v.version === stable && v.weight > 0))
        throw new ApiFailure(
          'invalid-request',
          `cannot start a release plan on ${id}: its stable version ${stable} receives none of the catch-all route (${before.split
            .map((v) => `${v.version} ${v.weight}%`)
            .join(', ')}), and the gates compare the canary with it; route some traffic to ${stable} first`,
        );
      const now = timers.now();
      const r: StepPlanRecord = {
        id,
        contextId,
        serviceReleaseId: state.serviceReleaseId,
        canary: state.canary.version,
        stable: state.stable.version,
        plan,
        progress: startProgress(),
        before,
        historyIds: [],
        startedAt: now,
        updatedAt: now,
      };
      await runner.serial(contextId, id, async () => {
        await storeOf(contextId).save(r);
        return r;
      });
      runner.watch(contextId, id);
      changed(r);
      return view(r);
    },
    get: async (ref) => view(await load(ref)),
    pause: (ref) => operate(ref, (r) => paused(r.progress)),
    resume: (ref) => operate(ref, (r) => resumed(r.progress, timers.now())),
    skip: (req) => operate(req, (r) => skippedTo(r.plan, r.progress, req.toStep)),
    approve: (ref) => operate(ref, (r) => approved(r.plan, r.progress)),
    async abort(ref) {
      await operate(ref, (r) => {
        const next = aborting(r.progress);
        r.outcome ??= { kind: 'aborted', at: timers.now(), reason: 'aborted by the operator' };
        return next;
      });
      // The route goes back now: the answer says whether it did.
      await runner.lookNow(ref.contextId, ref.id);
      return view(await load(ref));
    },
    async resumeContext(contextId) {
      const { plans } = await storeOf(contextId).list();
      for (const p of plans) {
        if (runner.watching(contextId, p.id)) continue;
        if (p.progress.state !== 'running' && p.progress.state !== 'rolling-back') continue;
        const r = await runner.serial(contextId, p.id, async () => {
          const rec = (await storeOf(contextId).load(p.id)) ?? p;
          rec.progress = restarted(rec.progress, timers.now());
          rec.updatedAt = timers.now();
          await storeOf(contextId).save(rec);
          return rec;
        });
        runner.watch(contextId, p.id);
        changed(r);
      }
    },
    stopContext: (contextId) => runner.stopContext(contextId),
    settled: () => runner.settled(),
    dispose: () => runner.stopAll(),
  };
}
