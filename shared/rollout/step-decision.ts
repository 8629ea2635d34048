// What a running plan does next, decided from the plan, its progress, the time and the gate's
// figures alone: apply a step's weight, keep holding, ask for the figures, wait for data or for an
// approval, go on, complete, or stop on a failing gate. Main carries the decision out; nothing here
// reads a clock or a cluster, so every path is a unit test.

import type { TrafficSplit } from '../mesh/model/index.ts';
import { largestRemainder } from '../mesh/model/index.ts';
import type { GateFigures, GateResult } from './step-gates.ts';
import { evaluateGates } from './step-gates.ts';
import type { StepPlan } from './step-plan.ts';
import { stepLabel } from './step-plan.ts';

export type PlanState = 'running' | 'paused' | 'rolling-back' | 'completed' | 'failed' | 'aborted';

export const FINISHED_PLAN_STATES: readonly PlanState[] = ['completed', 'failed', 'aborted'];

/** Where a plan stands; times are milliseconds since the epoch. */
export interface StepProgress {
  state: PlanState;
  /** The step being carried out (0-based). */
  current: number;
  /** The last weight step whose share was applied (absent: none yet). */
  appliedStep?: number;
  /** When the current weight step's hold began: after its share was applied, or when it restarted. */
  holdStartedAt?: number;
  /** The approval step the operator approved. */
  approvedStep?: number;
  /** The mirror step whose mirror is on the route now (removed before anything else once it is left). */
  mirrorOn?: number;
}

export type StepDecision =
  | { kind: 'idle'; why: string }
  | { kind: 'apply'; step: number; weight: number }
  | { kind: 'mirror'; step: number; percent: number }
  | { kind: 'end-mirror'; step: number }
  | { kind: 'start-hold'; step: number }
  | { kind: 'hold'; step: number; remainingMs: number; endsAt: number }
  | { kind: 'measure'; step: number; windowSeconds: number }
  | { kind: 'wait-for-data'; step: number; gates: GateResult[]; why: string }
  | { kind: 'wait-for-approval'; step: number }
  | { kind: 'advance'; step: number; to: number; gates?: GateResult[] }
  | { kind: 'complete'; step: number }
  | { kind: 'fail'; step: number; gates: GateResult[]; failed: GateResult[]; reason: string }
  | { kind: 'restore' };

export interface DecideOptions {
  /** The shortest window the gate's figures are read over (Prometheus needs a few scrapes). */
  minWindowSeconds?: number;
}

export const DEFAULT_MIN_WINDOW_SECONDS = 30;

/** The figures' window for a hold that began at `holdStartedAt`: the hold so far, at least the minimum. */
export function gateWindowSeconds(holdStartedAt: number, now: number, minWindowSeconds: number): number {
  return Math.max(minWindowSeconds, Math.ceil((now - holdStartedAt) / 1000));
}

function judgeStep(plan: StepPlan, p: StepProgress, i: number, figures: GateFigures): StepDecision {
  const step = plan.steps[i];
  if (step?.kind !== 'weight' && step?.kind !== 'mirror')
    return { kind: 'idle', why: `step ${i + 1} has no gates` };
  const gates = evaluateGates(figures, step.gates);
  const failed = gates.filter((g) => g.status === 'fail');
  if (failed.length > 0)
    return {
      kind: 'fail',
      step: i,
      gates,
      failed,
      reason: `${stepLabel(plan, i)} stopped by its gate${failed.length > 1 ? 's' : ''}: ${failed
        .map((g) => g.text)
        .join('; ')}`,
    };
  const missing = gates.filter((g) => g.status === 'no-data');
  if (missing.length > 0)
    return { kind: 'wait-for-data', step: i, gates, why: missing.map((g) => g.text).join('; ') };
  return { kind: 'advance', step: i, to: p.current + 1, gates };
}

/**
 * The next thing to do. Without `figures`, a weight step whose hold is over answers `measure` with
 * the window to read; called again with them, it answers `fail`, `wait-for-data` or `advance`.
 * Nothing advances on a gate without data, and a failing gate always stops the plan. A mirror is
 * on only while its own step is current: once the plan has left that step (it passed, or was
 * skipped) the mirror is removed before anything else is done.
 */
export function decideNext(
  plan: StepPlan,
  p: StepProgress,
  now: number,
  figures?: GateFigures,
  opts: DecideOptions = {},
): StepDecision {
  if (p.state === 'rolling-back') return { kind: 'restore' };
  if (p.state !== 'running') return { kind: 'idle', why: `the plan is ${p.state}` };
  const i = p.current;
  if (p.mirrorOn !== undefined && p.mirrorOn !== i) return { kind: 'end-mirror', step: p.mirrorOn };
  const step = plan.steps[i];
  if (step === undefined) return { kind: 'complete', step: plan.steps.length - 1 };
  if (step.kind === 'approval')
    return p.approvedStep === i
      ? { kind: 'advance', step: i, to: i + 1 }
      : { kind: 'wait-for-approval', step: i };
  if (step.kind === 'mirror') {
    if (p.appliedStep !== i) return { kind: 'mirror', step: i, percent: step.percent };
  } else {
    if (p.appliedStep !== i) return { kind: 'apply', step: i, weight: step.weight };
    // All traffic on the canary: nothing is left to compare it with, and nothing further to do.
    if (step.weight === 100) return { kind: 'complete', step: i };
  }
  if (p.holdStartedAt === undefined) return { kind: 'start-hold', step: i };
  const endsAt = p.holdStartedAt + step.holdSeconds * 1000;
  if (now < endsAt) return { kind: 'hold', step: i, remainingMs: endsAt - now, endsAt };
  if (!figures) {
    const min = opts.minWindowSeconds ?? DEFAULT_MIN_WINDOW_SECONDS;
    return { kind: 'measure', step: i, windowSeconds: gateWindowSeconds(p.holdStartedAt, now, min) };
  }
  return judgeStep(plan, p, i, figures);
}

/**
 * The split of the catch-all route at a step: the canary gets `weight`; the other versions share the
 * rest in the proportions they had before the release (the stable version takes it all when none
 * had any), rounded by largest remainder so it sums to 100.
 */
export function stepSplit(
  before: Readonly<TrafficSplit>,
  canary: string,
  stable: string,
  weight: number,
): TrafficSplit {
  const others = before.filter((s) => s.version !== canary);
  if (!others.some((s) => s.version === stable)) others.push({ version: stable, weight: 0 });
  const rest = 100 - weight;
  const held = others.reduce((a, s) => a + Math.max(0, s.weight), 0);
  const shares =
    held > 0
      ? largestRemainder(
          others.map((s) => Math.max(0, s.weight)),
          rest,
        )
      : others.map((s) => (s.version === stable ? rest : 0));
  return [
    ...others.map((s, k) => ({ version: s.version, weight: shares[k] ?? 0 })),
    { version: canary, weight },
  ];
}
