// The safe apply: check every state the plan passes through (no split off 100, not even for a
// moment), dry-run every step on the server, then write the steps in plan order (make-before-break)
// with a pause before a step that depends on another, confirm each through the watch, roll back
// what was done when a step fails, and record the change in the history.

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { HistoryKind, HistoryRecorder, HistoryStep, NewHistoryEntry } from '../history/history-types.ts';
import { HistoryWriteError } from '../history/history-types.ts';
import type { KubeApi } from '../kube-api.ts';
import { appliedResult, failedAfterRollback, failedBeforeWrites } from './apply-outcome.ts';
import { prepare } from './apply-prepare.ts';
import type { StepFailure, StepsState } from './apply-steps.ts';
import {
  isSinglePatch,
  noteFailedWrite,
  noteWrite,
  notVerified,
  patchToWrite,
  untouchedReports,
  verifyWrite,
} from './apply-steps.ts';
import type {
  AnyPlan,
  ApplyProgress,
  ApplyResult,
  DryRunResult,
  EngineClock,
  EngineStep,
  StepReport,
  VerifyFn,
} from './apply-types.ts';
import { actionOf, systemEngineClock, targetKey } from './apply-types.ts';
import type { DoneStep } from './rollback.ts';
import { rollBackSteps } from './rollback.ts';
import type { WriteContext } from './step-writer.ts';
import { writeStep } from './step-writer.ts';

export interface ApplyEngineDeps {
  api: KubeApi;
  verify: VerifyFn;
  clock?: EngineClock;
  history?: HistoryRecorder;
  /** Pause before a step that depends on an earlier one, so the mesh has pushed the earlier one. */
  pauseMs?: number;
  verifyTimeoutMs?: number;
  maxRebases?: number;
  /**
   * A plan of one patch that the operator reviewed with its dry-run moments ago (the console's
   * review): its real write is all-or-nothing and guarded by the resourceVersion test, so a second
   * dry-run right before it finds nothing the write would not. Skipping it takes one round trip
   * off the wait between Apply and confirmed. Plans of several steps are always dry-run first.
   */
  skipDryRunOfReviewedSingleStep?: boolean;
  /**
   * Called each time the watch confirmed a write (a step, or a rollback's write), just after its
   * progress event went out: the console recomputes the release there at once. The operator's
   * dialog waits only for the progress event, so it does not queue behind the service view's.
   */
  onConfirmed?: () => void;
}

export interface ApplyRequest {
  plan: AnyPlan;
  /** The kubeconfig context, and who asked: both go into the history. */
  context: string;
  user: string;
  /** Current objects (from the watch cache) to start from; a target not among them is read. */
  objects?: readonly KubeObject[];
  kind?: HistoryKind;
  description?: string;
  undoOf?: string;
  onProgress?: (e: ApplyProgress) => void;
}

export interface ApplyEngine {
  dryRun(plan: AnyPlan, objects?: readonly KubeObject[]): Promise<DryRunResult>;
  apply(req: ApplyRequest): Promise<ApplyResult>;
}

export const DEFAULT_PAUSE_MS = 1000;

export { objectReports } from './apply-outcome.ts';

/** The history line of an applied plan: its steps as written, before and after. */
function historyEntryOf(req: ApplyRequest, done: readonly DoneStep[]): NewHistoryEntry {
  const { plan } = req;
  const steps: HistoryStep[] = done.map(({ index, before, after }) => {
    const s = plan.steps[index] as EngineStep;
    return {
      id: s.id,
      description: s.description,
      target: s.target,
      action: actionOf(s),
      before,
      after,
    };
  });
  return {
    context: req.context,
    user: req.user,
    kind: req.kind ?? 'change',
    description: req.description ?? plan.steps.map((s) => s.description).join('; '),
    releaseId: plan.releaseId,
    ...(req.undoOf ? { undoOf: req.undoOf } : {}),
    plan,
    steps,
  };
}

export function createApplyEngine(deps: ApplyEngineDeps): ApplyEngine {
  const clock = deps.clock ?? systemEngineClock;
  const pauseMs = deps.pauseMs ?? DEFAULT_PAUSE_MS;
  const verifyTimeoutMs = deps.verifyTimeoutMs ?? 10_000;

  return {
    async dryRun(plan, objects) {
      const prep = await prepare(plan, objects, { api: deps.api, maxRebases: deps.maxRebases ?? 3 });
      return prep.ok ? prep.dry : prep.result;
    },

    async apply(req) {
      const started = clock.now();
      const { plan } = req;
      const ctx: WriteContext = {
        api: deps.api,
        maxRebases: deps.maxRebases ?? 3,
        sleep: (ms) => clock.sleep(ms),
        ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      };
      const reports = untouchedReports(plan);
      const single = isSinglePatch(plan);
      const prep = await prepare(
        plan,
        req.objects,
        ctx,
        !(deps.skipDryRunOfReviewedSingleStep === true && single),
      );
      if (!prep.ok) return failedBeforeWrites(prep.result, reports, clock, started);
      const state: StepsState = { live: new Map(prep.bases), written: new Set(), done: [] };
      let failure: StepFailure | undefined;

      for (const [i, step] of plan.steps.entries()) {
        const key = targetKey(step.target);
        const report = reports[i] as StepReport;
        if (step.dependsOn?.length && pauseMs > 0) {
          req.onProgress?.({ type: 'paused', stepId: step.id, ms: pauseMs });
          await clock.sleep(pauseMs);
        }
        req.onProgress?.({ type: 'step-started', stepId: step.id });
        const base = state.live.get(key) ?? null;
        const patch = patchToWrite(state, key, prep.patches[i] ?? [], base);
        const w = await writeStep(ctx, step, base, patch, false);
        report.rebased = w.rebased;
        if (!w.ok) {
          failure = noteFailedWrite(state, report, i, key, base, w);
          break;
        }
        const rv = noteWrite(state, report, i, key, w);
        req.onProgress?.({
          type: 'step-applied',
          stepId: step.id,
          ...(rv !== undefined ? { resourceVersion: rv } : {}),
        });
        try {
          await verifyWrite(deps.verify, verifyTimeoutMs, step, w.after, rv);
        } catch (err) {
          failure = notVerified(report, step, err);
          break;
        }
        req.onProgress?.({ type: 'step-verified', stepId: step.id });
        deps.onConfirmed?.();
      }

      if (failure) {
        const undone = await rollBackSteps(
          {
            ...ctx,
            verify: deps.verify,
            verifyTimeoutMs,
            ...(deps.onConfirmed ? { onConfirmed: deps.onConfirmed } : {}),
          },
          plan,
          state.done,
          state.live,
          reports,
        );
        return failedAfterRollback(failure, undone, reports, clock, started);
      }

      // The cluster has the change now: whatever happens to the history line, the outcome is "applied".
      let historyId: string | undefined;
      let warning: string | undefined;
      if (deps.history) {
        const entry = historyEntryOf(req, state.done);
        try {
          historyId = (await deps.history.record(entry)).id;
        } catch (err) {
          // The store keeps an entry it could not write in memory: it stays undoable this session.
          if (err instanceof HistoryWriteError) historyId = err.entry.id;
          warning = `applied; could not record history: ${(err as Error).message}`;
        }
      }
      return appliedResult(reports, historyId, warning, clock, started);
    },
  };
}
