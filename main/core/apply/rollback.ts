// Undo what a failed apply already did, last step first, each inverse itself guarded by `test`s on
// the values we wrote (and rebased like any step when someone touched other fields meanwhile).
// An object the apply created is deleted as it is now: re-read first (a controller bumps a new
// Deployment's resourceVersion within moments), guarded by its uid and the fresh resourceVersion,
// and read again when the controller wins the race.

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { KubeRequestError } from '../kube-api.ts';
import { apiErrorOf } from './apply-errors.ts';
import type { AnyPlan, EngineStep, StepReport, VerifyFn } from './apply-types.ts';
import { actionOf, targetKey } from './apply-types.ts';
import { comparablePart, inversePatch } from './inverse-patch.ts';
import type { WriteContext, WriteOutcome } from './step-writer.ts';
import { writeStep } from './step-writer.ts';
import { withTimeout } from './verify-timeout.ts';

export interface RollbackContext extends WriteContext {
  verify: VerifyFn;
  verifyTimeoutMs: number;
  /** A rollback's write was confirmed by the watch (after its progress event). */
  onConfirmed?: () => void;
}

export interface DoneStep {
  index: number;
  before: KubeObject | null;
  after: KubeObject | null;
}

/**
 * The step that takes one done step back, or null when there is nothing to take back. For a created
 * object it is a delete guarded by uid and the resourceVersion known now; rollBackSteps itself
 * deletes created objects with deleteCreated, which reads them first.
 */
export function inverseStep(
  step: EngineStep,
  before: KubeObject | null,
  after: KubeObject | null,
  current: KubeObject | null,
): EngineStep | null {
  const base = { id: `undo-${step.id}`, description: `undo: ${step.description}`, target: step.target };
  if (before === null && after === null) return null;
  if (before === null && after) {
    const rv = current?.metadata.resourceVersion ?? after.metadata.resourceVersion;
    const uid = after.metadata.uid;
    const preconditions = { ...(uid ? { uid } : {}), ...(rv ? { resourceVersion: rv } : {}) };
    return { ...base, action: 'delete', ...(rv || uid ? { preconditions } : {}) };
  }
  if (before && after === null) {
    const object = comparablePart(before);
    return { ...base, action: 'create', object };
  }
  if (!before || !after) return null;
  const patch = inversePatch(before, after, current?.metadata.resourceVersion);
  return patch.length === 0 ? null : { ...base, patch };
}

/** How often the delete of a created object re-reads it when a controller keeps changing it. */
export const MAX_DELETE_REREADS = 5;

/** Deletes the object a step created, as it is now, if it is still the one the step created. */
async function deleteCreated(
  ctx: WriteContext,
  step: EngineStep,
  created: KubeObject,
): Promise<WriteOutcome> {
  const t = step.target;
  const base = { id: `undo-${step.id}`, description: `undo: ${step.description}`, target: t };
  const uid = created.metadata.uid;
  let last: WriteOutcome | undefined;
  for (let read = 0; read < MAX_DELETE_REREADS; read++) {
    let fresh: KubeObject;
    try {
      fresh = await ctx.api.get(t);
    } catch (err) {
      if (err instanceof KubeRequestError && err.status === 404)
        return { ok: true, before: null, after: null, patch: [], rebased: read };
      return { ok: false, state: 'unknown', error: apiErrorOf(err, t), rebased: read };
    }
    if (uid && fresh.metadata.uid && fresh.metadata.uid !== uid) {
      const message = `${t.kind} ${t.namespace}/${t.name} was deleted and created again by someone else (uid ${fresh.metadata.uid}, not ${uid}); it was left in place`;
      return { ok: false, state: 'unknown', error: { code: 'conflict', message }, rebased: read };
    }
    const rv = fresh.metadata.resourceVersion;
    const preconditions = { ...(uid ? { uid } : {}), ...(rv ? { resourceVersion: rv } : {}) };
    const inverse: EngineStep = { ...base, action: 'delete', preconditions };
    last = await writeStep(ctx, inverse, fresh, [], false);
    if (last.ok || last.error.code !== 'conflict') return { ...last, rebased: read };
  }
  return last as WriteOutcome;
}

export async function rollBackSteps(
  ctx: RollbackContext,
  plan: AnyPlan,
  done: readonly DoneStep[],
  live: Map<string, KubeObject | null>,
  reports: StepReport[],
): Promise<{ total: number; failed: number }> {
  let failed = 0;
  for (const d of [...done].reverse()) {
    const step = plan.steps[d.index] as EngineStep;
    const report = reports[d.index] as StepReport;
    const key = targetKey(step.target);
    ctx.onProgress?.({ type: 'rolling-back', stepId: step.id });
    const current = live.get(key) ?? d.after;
    let w: WriteOutcome;
    if (d.before === null && d.after) w = await deleteCreated(ctx, step, d.after);
    else {
      const inverse = inverseStep(step, d.before, d.after, current);
      if (!inverse) {
        report.state = 'rolled-back';
        ctx.onProgress?.({ type: 'rolled-back', stepId: step.id, ok: true });
        continue;
      }
      w = await writeStep(ctx, inverse, current, inverse.patch ?? [], false);
    }
    if (!w.ok) {
      failed++;
      report.state = 'unknown';
      report.error = `${report.error ? `${report.error}; ` : ''}rollback failed: ${w.error.message}`;
      ctx.onProgress?.({ type: 'rolled-back', stepId: step.id, ok: false });
      continue;
    }
    live.set(key, w.after);
    report.state = 'rolled-back';
    const rv = w.after?.metadata.resourceVersion;
    if (rv !== undefined) report.resourceVersion = rv;
    else delete report.resourceVersion;
    let confirmed = false;
    try {
      await withTimeout(
        ctx.verify(step.target, w.after && rv ? { resourceVersion: rv } : { deleted: true }),
        ctx.verifyTimeoutMs,
        `rollback of ${step.target.kind} ${step.target.name}`,
      );
      confirmed = true;
    } catch (err) {
      // Written but not seen: the server said yes, so the state is known, only not yet confirmed.
      report.error = `${report.error ? `${report.error}; ` : ''}${(err as Error).message}`;
    }
    ctx.onProgress?.({ type: 'rolled-back', stepId: step.id, ok: true });
    if (confirmed) ctx.onConfirmed?.();
    if (actionOf(step) === 'create') live.set(key, null);
  }
  return { total: done.length, failed };
}
