// One step of the apply's write loop: the patch it writes (guarded on our own earlier write when it
// touches the same object again), what the write's outcome does to the step's report and to the
// objects as they are now, and the wait for the watch to show it.

import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import { apiErrorOf } from './apply-errors.ts';
import type { AnyPlan, ApplyFailed, EngineStep, StepReport, VerifyFn } from './apply-types.ts';
import { actionOf } from './apply-types.ts';
import { RESOURCE_VERSION_PATH } from './rebase-patch.ts';
import type { DoneStep } from './rollback.ts';
import type { WriteOutcome } from './step-writer.ts';
import { withTimeout } from './verify-timeout.ts';

/** What the writes so far have done: the objects as they are now, the ones we wrote, the steps done. */
export interface StepsState {
  live: Map<string, KubeObject | null>;
  written: Set<string>;
  done: DoneStep[];
}

export type StepFailure = Pick<ApplyFailed, 'error' | 'conflict'>;

export function untouchedReports(plan: AnyPlan): StepReport[] {
  return plan.steps.map((s) => ({
    id: s.id,
    description: s.description,
    target: s.target,
    state: 'untouched',
    rebased: 0,
  }));
}

/** A plan of one patch: the kind the console's review has just dry-run. */
export function isSinglePatch(plan: AnyPlan): boolean {
  return plan.steps.length === 1 && plan.steps[0] !== undefined && actionOf(plan.steps[0]) === 'patch';
}

/** The only change since the plan was made is our own earlier step: guard on our resourceVersion. */
function onOwnWrite(patch: JsonPatchOp[], rv: string | undefined): JsonPatchOp[] {
  if (rv === undefined) return patch;
  return patch.map((op) =>
    op.op === 'test' && op.path === RESOURCE_VERSION_PATH ? { ...op, value: rv } : op,
  );
}

export function patchToWrite(
  state: StepsState,
  key: string,
  planned: JsonPatchOp[],
  base: KubeObject | null,
): JsonPatchOp[] {
  return state.written.has(key) ? onOwnWrite(planned, base?.metadata.resourceVersion) : planned;
}

/** A failed write; one that turned out to have happened counts as done, so it is rolled back. */
export function noteFailedWrite(
  state: StepsState,
  report: StepReport,
  index: number,
  key: string,
  base: KubeObject | null,
  w: Extract<WriteOutcome, { ok: false }>,
): StepFailure {
  report.error = w.error.message;
  if (w.state === 'applied') {
    report.state = 'applied';
    state.done.push({ index, before: base, after: w.after ?? null });
    state.live.set(key, w.after ?? null);
  } else report.state = w.state;
  return { error: w.error, ...(w.conflict ? { conflict: w.conflict } : {}) };
}

/** A successful write; returns the object's new resourceVersion (none once deleted). */
export function noteWrite(
  state: StepsState,
  report: StepReport,
  index: number,
  key: string,
  w: Extract<WriteOutcome, { ok: true }>,
): string | undefined {
  report.state = 'applied';
  const rv = w.after?.metadata.resourceVersion;
  if (rv !== undefined) report.resourceVersion = rv;
  state.live.set(key, w.after);
  state.written.add(key);
  state.done.push({ index, before: w.before, after: w.after });
  return rv;
}

/** The watch's confirmation of a write (the promise the loop awaits), with a deadline. */
export function verifyWrite(
  verify: VerifyFn,
  timeoutMs: number,
  step: EngineStep,
  after: KubeObject | null,
  rv: string | undefined,
): Promise<void> {
  const expected = after && rv !== undefined ? { resourceVersion: rv } : { deleted: true as const };
  return withTimeout(
    verify(step.target, expected),
    timeoutMs,
    `${step.target.kind} ${step.target.namespace}/${step.target.name}`,
  );
}

/** The write happened but the watch did not confirm it. */
export function notVerified(report: StepReport, step: EngineStep, err: unknown): StepFailure {
  const failure = { error: apiErrorOf(err, step.target) };
  report.error = failure.error.message;
  return failure;
}
