// What an apply answers: every step's and every object's state, and for a failure the error with
// that whole picture in its details (plus what the rollback managed, when there was one).

import type {
  ApplyFailed,
  ApplyOk,
  DryRunResult,
  EngineClock,
  ObjectReport,
  StepReport,
} from './apply-types.ts';
import { targetKey } from './apply-types.ts';

/** Per object: unknown wins, then applied, then rolled back; untouched only when every step is. */
export function objectReports(steps: readonly StepReport[]): ObjectReport[] {
  const rank = { unknown: 3, applied: 2, 'rolled-back': 1, untouched: 0 } as const;
  const byKey = new Map<string, ObjectReport>();
  for (const s of steps) {
    const key = targetKey(s.target);
    const cur = byKey.get(key);
    if (!cur || rank[s.state] > rank[cur.state]) byKey.set(key, { target: s.target, state: s.state });
  }
  return [...byKey.values()];
}

/** The plan was stopped before its first real write (read, simulation or dry-run failed). */
export function failedBeforeWrites(
  r: Extract<DryRunResult, { ok: false }>,
  reports: StepReport[],
  clock: EngineClock,
  started: number,
): ApplyFailed {
  const objects = objectReports(reports);
  return {
    ok: false,
    error: {
      ...r.error,
      details: { ...(r.error.details as object | undefined), steps: reports, objects },
    },
    steps: reports,
    objects,
    ...(r.conflict ? { conflict: r.conflict } : {}),
    durationMs: clock.now() - started,
  };
}

function rollbackSummary(undone: { total: number; failed: number }): string {
  return undone.total === 0
    ? 'nothing was changed'
    : undone.failed === 0
      ? `the ${undone.total} applied step(s) were rolled back`
      : `${undone.failed} of ${undone.total} applied step(s) could not be rolled back: check their state`;
}

/** A step failed after others may have been written: the error says what the rollback managed. */
export function failedAfterRollback(
  failure: Pick<ApplyFailed, 'error' | 'conflict'>,
  undone: { total: number; failed: number },
  reports: StepReport[],
  clock: EngineClock,
  started: number,
): ApplyFailed {
  const objects = objectReports(reports);
  const summary = rollbackSummary(undone);
  const error = {
    ...failure.error,
    message: `${failure.error.message}; ${summary}`,
    details: {
      ...(failure.error.details as object | undefined),
      steps: reports,
      objects,
      ...(failure.conflict ? { conflict: failure.conflict } : {}),
    },
  };
  return {
    ok: false,
    error,
    steps: reports,
    objects,
    ...(failure.conflict ? { conflict: failure.conflict } : {}),
    durationMs: clock.now() - started,
  };
}

export function appliedResult(
  reports: StepReport[],
  historyId: string | undefined,
  warning: string | undefined,
  clock: EngineClock,
  started: number,
): ApplyOk {
  return {
    ok: true,
    steps: reports,
    objects: objectReports(reports),
    ...(historyId ? { historyId } : {}),
    ...(warning ? { warning } : {}),
    durationMs: clock.now() - started,
  };
}
