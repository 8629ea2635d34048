// The vocabulary of one safe apply: the steps it runs, what it reports about every object, and the
// events it streams while it works.

import type { ApiError } from '../../../shared/api/errors.ts';
import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import type { PlanStep, PlanTarget, ReleasePlan } from '../../../shared/mesh/plan/index.ts';

/**
 * A plan step as the engine runs it. Routing plans only patch; the release workflow also creates
 * (a new version's Deployment) and deletes (the old one on finalize).
 */
export type EngineStep =
  | (PlanStep & { action?: 'patch' })
  | (Omit<PlanStep, 'patch'> & { action: 'create'; object: KubeObject; patch?: JsonPatchOp[] })
  | (Omit<PlanStep, 'patch'> & {
      action: 'delete';
      /** The object must still be this one (uid) and unchanged since it was read (resourceVersion). */
      preconditions?: { resourceVersion?: string; uid?: string };
      patch?: JsonPatchOp[];
    });

export interface EnginePlan {
  releaseId: string;
  steps: EngineStep[];
}

export type AnyPlan = ReleasePlan | EnginePlan;

/** What became of one step's object. */
export type StepState = 'applied' | 'rolled-back' | 'untouched' | 'unknown';

export interface StepReport {
  id: string;
  description: string;
  target: PlanTarget;
  state: StepState;
  /** The object's resourceVersion after the step (or after its rollback). */
  resourceVersion?: string;
  /** How many times the step was re-issued on a fresh resourceVersion after someone else's change. */
  rebased: number;
  error?: string;
}

export interface ObjectReport {
  target: PlanTarget;
  state: StepState;
}

/** Both sides of a conflict: what we meant to write, and what is there now. */
export interface ConflictView {
  stepId: string;
  target: PlanTarget;
  /** JSON pointers where the other change and ours collide. */
  paths: string[];
  /** The object as the plan saw it, and as the plan would have made it. */
  ours: { base: KubeObject | null; intended: KubeObject | null };
  theirs: KubeObject | null;
}

export interface ApplyOk {
  ok: true;
  steps: StepReport[];
  objects: ObjectReport[];
  historyId?: string;
  /** The change is applied, but something after it went wrong (the history line was not written). */
  warning?: string;
  durationMs: number;
}

export interface ApplyFailed {
  ok: false;
  /** `details` holds `{ steps, objects, conflict? }` so the contract carries the whole picture. */
  error: ApiError;
  steps: StepReport[];
  objects: ObjectReport[];
  conflict?: ConflictView;
  durationMs: number;
}

export type ApplyResult = ApplyOk | ApplyFailed;

export interface DryRunStep {
  id: string;
  description: string;
  target: PlanTarget;
  before: KubeObject | null;
  /** The server's answer to the dry-run (null for a delete). */
  after: KubeObject | null;
  /** Readable change: the step's operations without the `test` preconditions. */
  changes: JsonPatchOp[];
}

export type DryRunResult =
  | { ok: true; steps: DryRunStep[] }
  | { ok: false; error: ApiError; conflict?: ConflictView };

export type ApplyProgress =
  | { type: 'dry-run'; stepId: string }
  | { type: 'step-started'; stepId: string }
  | { type: 'rebased'; stepId: string; resourceVersion: string }
  | { type: 'step-applied'; stepId: string; resourceVersion?: string }
  | { type: 'step-verified'; stepId: string }
  | { type: 'paused'; stepId: string; ms: number }
  | { type: 'rolling-back'; stepId: string }
  | { type: 'rolled-back'; stepId: string; ok: boolean };

/** Resolves once the watch has seen the object at this resourceVersion (or seen it deleted). */
export type VerifyFn = (
  target: PlanTarget,
  expected: { resourceVersion: string } | { deleted: true },
) => Promise<void>;

export interface EngineClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemEngineClock: EngineClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export function targetKey(
  t: Pick<PlanTarget, 'kind' | 'namespace' | 'name'> & { apiVersion?: string },
): string {
  const group = t.apiVersion?.includes('/') ? t.apiVersion.slice(0, t.apiVersion.indexOf('/')) : '';
  return `${t.kind}.${group}/${t.namespace}/${t.name}`;
}

export function actionOf(step: EngineStep): 'patch' | 'create' | 'delete' {
  return step.action ?? 'patch';
}
