// Carries running release plans out while the app runs: on every tick it asks the pure decision
// (shared/rollout) what to do, reads the gate's figures when a hold is over, applies a step's share,
// restores the route on a failed gate or an abort, and saves the progress before it tells anyone.
// One plan's ticks and the operator's operations on it run one at a time, never interleaved.

import type { TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { DesiredMirror } from '../../../shared/mesh/plan/index.ts';
import type { StepDecision } from '../../../shared/rollout/step-decision.ts';
import { decideNext, FINISHED_PLAN_STATES, stepSplit } from '../../../shared/rollout/step-decision.ts';
import type { GateFigures } from '../../../shared/rollout/step-gates.ts';
import { stepLabel } from '../../../shared/rollout/step-plan.ts';
import {
  advanced,
  applied,
  mirrorEnded,
  mirrored,
  restarted,
} from '../../../shared/rollout/step-progress.ts';
import type { StepPlanRecord, StepPlanStore } from './step-plan-store.ts';

export interface Timers {
  now(): number;
  /** Runs `fn` once after `ms`; the answer cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

export interface StepRunnerDeps {
  storeOf(contextId: string): StepPlanStore;
  timers: Timers;
  /** How often a running plan is looked at (default 1 s). */
  tickMs: number;
  /** The shortest window gate figures are read over. */
  minWindowSeconds: number;
  /** A gap between two ticks longer than this (the machine slept) restarts the current hold. */
  interruptedAfterMs: number;
  figures(r: StepPlanRecord, windowSeconds: number): Promise<GateFigures>;
  /** Applies a weight step's split through the rollout's safe apply; answers its History entry. */
  applySplit(r: StepPlanRecord, split: TrafficSplit, description: string): Promise<string | undefined>;
  /** Sets (or with null removes) a mirror step's mirror through the same safe apply; its History entry. */
  applyMirror(
    r: StepPlanRecord,
    mirror: DesiredMirror | null,
    description: string,
  ): Promise<string | undefined>;
  /**
   * Whether a step just applied is in effect at the proxies that serve the host. Not ok holds the
   * step's hold back (the next tick asks again, without applying again); an unknown status is ok,
   * with its reason as the note (the apply's own confirmation stands, nothing is guessed).
   */
  inEffect?(r: StepPlanRecord): Promise<{ ok: true; note?: string } | { ok: false; why: string }>;
  /** Puts the route back as it was before the plan; answers its History entry. */
  restore(r: StepPlanRecord, description: string): Promise<string | undefined>;
  changed(r: StepPlanRecord): void;
  /** Why the plan can no longer drive its rollout (finalized, aborted or promoted by the wizard), if so. */
  gone?(r: StepPlanRecord): Promise<string | undefined>;
  /**
   * How the route's split differs from what the plan last wrote (someone else changed it), if it
   * does: a step or a restore written over it would undo their change unseen.
   */
  routeChanged?(r: StepPlanRecord): Promise<string | undefined>;
  /** Why the canary cannot take requests now (it has no ready pod), if so. */
  canaryUnready?(r: StepPlanRecord): Promise<string | undefined>;
}

/**
 * Why a step that gives the canary `weight` must not be written now: the plan waits, saying so,
 * and the next tick asks again (pods come back; the operator aborts a plan whose route changed).
 */
async function heldBack(
  deps: StepRunnerDeps,
  r: StepPlanRecord,
  weight: number,
): Promise<string | undefined> {
  const changed = await deps.routeChanged?.(r);
  if (changed) return `${changed}; abort the plan, or put the split back`;
  const canary = (r.split ?? r.before.split).find((v) => v.version === r.canary)?.weight ?? 0;
  if (weight > canary) {
    const unready = await deps.canaryUnready?.(r);
    if (unready) return `${r.canary} ${unready}: its share would fail (503)`;
  }
  return undefined;
}

const keyOf = (contextId: string, id: string) => `${contextId}|${id}`;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Whether the step just applied is in effect at the proxies (not: the plan waits, saying why). */
async function inEffectAt(deps: StepRunnerDeps, r: StepPlanRecord, step: number, label: string) {
  const proxies = deps.inEffect ? await deps.inEffect(r) : undefined;
  if (proxies) r.proxies = proxies.ok ? proxies.note : proxies.why;
  if (proxies && !proxies.ok) {
    r.proxyWait = { step };
    r.waiting = `${label} is not in effect everywhere yet: ${proxies.why}`;
    return false;
  }
  delete r.proxyWait;
  return true;
}

/** Carries out one decision on the record; true when the plan can go on at once. */
async function carryOut(
  deps: StepRunnerDeps,
  r: StepPlanRecord,
  d: StepDecision,
  now: number,
): Promise<boolean> {
  const label = (i: number) => stepLabel(r.plan, i);
  switch (d.kind) {
    case 'apply': {
      if (r.proxyWait?.step !== d.step) {
        const why = await heldBack(deps, r, d.weight);
        if (why) {
          r.waiting = `not applying ${label(d.step)}: ${why}`;
          return false;
        }
        const split = stepSplit(r.before.split, r.canary, r.stable, d.weight);
        const historyId = await deps.applySplit(r, split, `release plan ${label(d.step)}`);
        if (historyId) r.historyIds.push(historyId);
        r.split = split;
      }
      if (!(await inEffectAt(deps, r, d.step, label(d.step)))) return false;
      r.progress = applied(r.progress, d.step, deps.timers.now());
      delete r.waiting;
      return true;
    }
    case 'start-hold':
      r.progress = { ...r.progress, holdStartedAt: now };
      return true;
    case 'advance':
      r.progress = advanced(r.progress, d.to);
      delete r.waiting;
      return true;
    case 'wait-for-data':
      r.waiting = `waiting for data: ${d.why}`;
      return false;
    case 'wait-for-approval':
      r.waiting = `waiting for approval of ${label(d.step)}`;
      return false;
    case 'complete':
      r.progress = { ...r.progress, state: 'completed' };
      r.outcome = { kind: 'completed', at: now, reason: `${r.canary} receives 100% of the catch-all route` };
      delete r.waiting;
      return false;
    case 'fail':
      r.outcome = { kind: 'failed', at: now, reason: d.reason, failed: d.failed };
      r.progress = { ...r.progress, state: 'rolling-back' };
      delete r.waiting;
      return true;
    case 'restore': {
      const why = r.outcome?.kind === 'failed' ? 'failed gate' : 'plan aborted';
      const outcome = r.outcome ?? { kind: 'aborted', at: now, reason: 'aborted by the operator' };
      const changed = await deps.routeChanged?.(r);
      if (changed) {
        // Someone else's split stands: putting back the plan's "before" would undo it. A mirror the
        // plan's mirror step set is still the plan's own: it goes (or the one before comes back).
        let mirror = '';
        if (r.progress.mirrorOn !== undefined && r.before.mirror !== undefined) {
          const historyId = await deps.applyMirror(
            r,
            r.before.mirror,
            `release plan: ${why}, its mirror ended (the split left as it is: it changed)`,
          );
          if (historyId) r.historyIds.push(historyId);
          mirror = '; its mirror ended';
        }
        r.outcome = {
          ...outcome,
          reason: `${outcome.reason}; the route was left as it is${mirror}: ${changed}`,
        };
      } else {
        const historyId = await deps.restore(r, `release plan: ${why}, route restored as before the plan`);
        if (historyId) r.historyIds.push(historyId);
        r.outcome = { ...outcome, restored: true };
        r.split = r.before.split;
      }
      r.progress = mirrorEnded({ ...r.progress, state: r.outcome.kind === 'failed' ? 'failed' : 'aborted' });
      return false;
    }
    case 'mirror': {
      // As a weight step: applied once, its hold begins once the mirror is in effect at the proxies.
      if (r.proxyWait?.step !== d.step) {
        const mirror = { version: r.canary, percentage: d.percent };
        const historyId = await deps.applyMirror(r, mirror, `release plan ${label(d.step)}`);
        if (historyId) r.historyIds.push(historyId);
        r.progress = { ...r.progress, mirrorOn: d.step };
      }
      if (!(await inEffectAt(deps, r, d.step, label(d.step)))) return false;
      r.progress = mirrored(r.progress, d.step, deps.timers.now());
      delete r.waiting;
      return true;
    }
    case 'end-mirror': {
      const back = r.before.mirror
        ? `the mirror to ${r.before.mirror.version} as before the plan`
        : 'no mirror';
      const what = `release plan: ${label(d.step)} left, ${back}`;
      const historyId = await deps.applyMirror(r, r.before.mirror ?? null, what);
      if (historyId) r.historyIds.push(historyId);
      r.progress = mirrorEnded(r.progress);
      return true;
    }
    default:
      return false;
  }
}

export function createStepRunner(deps: StepRunnerDeps) {
  const active = new Map<string, { cancel?: () => void; lastTickAt?: number; contextId: string }>();
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `fn` after everything queued for the plan: ticks and operations never interleave. */
  function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = run.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return run;
  }

  /** One look at a plan: as many decisions as can be carried out now, then saved and told. */
  async function look(contextId: string, id: string): Promise<void> {
    const store = deps.storeOf(contextId);
    const r = await store.load(id);
    if (!r) return;
    const before = JSON.stringify(r);
    const entry = active.get(keyOf(contextId, id));
    const now = deps.timers.now();
    if (entry?.lastTickAt !== undefined && now - entry.lastTickAt > deps.interruptedAfterMs)
      r.progress = restarted(r.progress, now);
    if (entry) entry.lastTickAt = now;
    try {
      const gone = r.progress.state === 'running' ? await deps.gone?.(r) : undefined;
      if (gone) {
        r.progress = { ...r.progress, state: 'aborted' };
        r.outcome = {
          kind: 'aborted',
          at: now,
          reason: `${gone}: the plan stopped, its route left as it is`,
        };
        delete r.waiting;
      }
      for (let n = 0; n < 2 * r.plan.steps.length + 4; n++) {
        let d = decideNext(r.plan, r.progress, deps.timers.now(), undefined, {
          minWindowSeconds: deps.minWindowSeconds,
        });
        if (d.kind === 'hold') delete r.waiting;
        if (d.kind === 'measure') {
          const windowSeconds = d.windowSeconds;
          const figures = await deps.figures(r, windowSeconds).catch((err: unknown) => {
            r.waiting = `waiting for the gate's figures: ${message(err)}`;
            return undefined;
          });
          if (!figures) break;
          d = decideNext(r.plan, r.progress, deps.timers.now(), figures);
          if (d.kind === 'advance' || d.kind === 'fail' || d.kind === 'wait-for-data')
            r.gates = { step: d.step, at: deps.timers.now(), windowSeconds, results: d.gates ?? [] };
        }
        if (!(await carryOut(deps, r, d, deps.timers.now()))) break;
      }
      delete r.lastError;
    } catch (err) {
      r.lastError = message(err);
    }
    if (JSON.stringify(r) === before) return;
    r.updatedAt = deps.timers.now();
    await store.save(r);
    deps.changed(r);
  }

  /** A look, then the next one in a tick, unless the plan is paused or finished (one serial turn). */
  function schedule(contextId: string, id: string, ms: number): void {
    const key = keyOf(contextId, id);
    const entry = active.get(key);
    if (!entry) return;
    entry.cancel = deps.timers.after(ms, () => {
      void serial(key, async () => {
        if (active.get(key) !== entry) return;
        await look(contextId, id).catch(() => undefined);
        const r = await deps
          .storeOf(contextId)
          .load(id)
          .catch(() => undefined);
        if (!r || FINISHED_PLAN_STATES.includes(r.progress.state) || r.progress.state === 'paused')
          active.delete(key);
        else schedule(contextId, id, deps.tickMs);
      });
    });
  }

  return {
    serial: (contextId: string, id: string, fn: () => Promise<StepPlanRecord>) =>
      serial(keyOf(contextId, id), fn),
    /** Looks at the plan now and then on every tick, until it is paused or finished. */
    watch(contextId: string, id: string): void {
      const key = keyOf(contextId, id);
      if (active.has(key)) return;
      active.set(key, { contextId });
      schedule(contextId, id, 0);
    },
    watching: (contextId: string, id: string) => active.has(keyOf(contextId, id)),
    /** One look at the plan now, in its turn (an abort's restore, answered when done). */
    lookNow: (contextId: string, id: string) => serial(keyOf(contextId, id), () => look(contextId, id)),
    /** Stops looking at a context's plans (its session closed); their saved progress stays. */
    stopContext(contextId: string): void {
      for (const [key, entry] of active)
        if (entry.contextId === contextId) {
          entry.cancel?.();
          active.delete(key);
        }
    },
    stopAll(): void {
      for (const entry of active.values()) entry.cancel?.();
      active.clear();
    },
    /** Resolves once every queued look and operation has finished. */
    async settled(): Promise<void> {
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
  };
}

export type StepRunner = ReturnType<typeof createStepRunner>;
