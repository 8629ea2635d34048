// The safe apply: check every state the plan passes through (no split off 100, not even for a
// moment), dry-run every step on the server, then write the steps in plan order (make-before-break)
// with a pause before a step that depends on another, confirm each through the watch, roll back
// what was done when a step fails, and record the change in the history.

import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import type { HistoryKind, HistoryRecorder, HistoryStep } from '../history/history-types.ts';
import { HistoryWriteError } from '../history/history-types.ts';
import type { KubeApi } from '../kube-api.ts';
import { apiErrorOf } from './apply-errors.ts';
import { prepare } from './apply-prepare.ts';
import type {
  AnyPlan,
  ApplyFailed,
  ApplyProgress,
  ApplyResult,
  DryRunResult,
  EngineClock,
  EngineStep,
  ObjectReport,
  StepReport,
  VerifyFn,
} from './apply-types.ts';
import { actionOf, systemEngineClock, targetKey } from './apply-types.ts';
import { RESOURCE_VERSION_PATH } from './rebase-patch.ts';
import { rollBackSteps } from './rollback.ts';
import type { WriteContext } from './step-writer.ts';
import { writeStep } from './step-writer.ts';
import { withTimeout } from './verify-timeout.ts';

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

/** The only change since the plan was made is our own earlier step: guard on our resourceVersion. */
function onOwnWrite(patch: JsonPatchOp[], rv: string | undefined): JsonPatchOp[] {
  if (rv === undefined) return patch;
  return patch.map((op) =>
    op.op === 'test' && op.path === RESOURCE_VERSION_PATH ? { ...op, value: rv } : op,
  );
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
        ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      };
      const reports: StepReport[] = plan.steps.map((s) => ({
        id: s.id,
        description: s.description,
        target: s.target,
        state: 'untouched',
        rebased: 0,
      }));
      const single =
        plan.steps.length === 1 && plan.steps[0] !== undefined && actionOf(plan.steps[0]) === 'patch';
      const prep = await prepare(
        plan,
        req.objects,
        ctx,
        !(deps.skipDryRunOfReviewedSingleStep === true && single),
      );
      if (!prep.ok) {
        const r = prep.result;
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
      const live = new Map(prep.bases);
      const written = new Set<string>();
      const done: Array<{ index: number; before: KubeObject | null; after: KubeObject | null }> = [];
      let failure: Pick<ApplyFailed, 'error' | 'conflict'> | undefined;

      for (const [i, step] of plan.steps.entries()) {
        const key = targetKey(step.target);
        const report = reports[i] as StepReport;
        if (step.dependsOn?.length && pauseMs > 0) {
          req.onProgress?.({ type: 'paused', stepId: step.id, ms: pauseMs });
          await clock.sleep(pauseMs);
        }
        req.onProgress?.({ type: 'step-started', stepId: step.id });
        const base = live.get(key) ?? null;
        const planned = prep.patches[i] ?? [];
        const patch = written.has(key) ? onOwnWrite(planned, base?.metadata.resourceVersion) : planned;
        const w = await writeStep(ctx, step, base, patch, false);
        report.rebased = w.rebased;
        if (!w.ok) {
          report.error = w.error.message;
          if (w.state === 'applied') {
            report.state = 'applied';
            done.push({ index: i, before: base, after: w.after ?? null });
            live.set(key, w.after ?? null);
          } else report.state = w.state;
          failure = { error: w.error, ...(w.conflict ? { conflict: w.conflict } : {}) };
          break;
        }
        report.state = 'applied';
        const rv = w.after?.metadata.resourceVersion;
        if (rv !== undefined) report.resourceVersion = rv;
        live.set(key, w.after);
        written.add(key);
        done.push({ index: i, before: w.before, after: w.after });
        req.onProgress?.({
          type: 'step-applied',
          stepId: step.id,
          ...(rv !== undefined ? { resourceVersion: rv } : {}),
        });
        try {
          const expected = w.after && rv !== undefined ? { resourceVersion: rv } : { deleted: true as const };
          await withTimeout(
            deps.verify(step.target, expected),
            verifyTimeoutMs,
            `${step.target.kind} ${step.target.namespace}/${step.target.name}`,
          );
        } catch (err) {
          failure = { error: apiErrorOf(err, step.target) };
          report.error = failure.error.message;
          break;
        }
        req.onProgress?.({ type: 'step-verified', stepId: step.id });
      }

      if (failure) {
        const undone = await rollBackSteps(
          { ...ctx, verify: deps.verify, verifyTimeoutMs },
          plan,
          done,
          live,
          reports,
        );
        const objects = objectReports(reports);
        const summary =
          undone.total === 0
            ? 'nothing was changed'
            : undone.failed === 0
              ? `the ${undone.total} applied step(s) were rolled back`
              : `${undone.failed} of ${undone.total} applied step(s) could not be rolled back: check their state`;
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

      // The cluster has the change now: whatever happens to the history line, the outcome is "applied".
      let historyId: string | undefined;
      let warning: string | undefined;
      if (deps.history) {
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
        try {
          const entry = await deps.history.record({
            context: req.context,
            user: req.user,
            kind: req.kind ?? 'change',
            description: req.description ?? plan.steps.map((s) => s.description).join('; '),
            releaseId: plan.releaseId,
            ...(req.undoOf ? { undoOf: req.undoOf } : {}),
            plan,
            steps,
          });
          historyId = entry.id;
        } catch (err) {
          // The store keeps an entry it could not write in memory: it stays undoable this session.
          if (err instanceof HistoryWriteError) historyId = err.entry.id;
          warning = `applied; could not record history: ${(err as Error).message}`;
        }
      }
      return {
        ok: true,
        steps: reports,
        objects: objectReports(reports),
        ...(historyId ? { historyId } : {}),
        ...(warning ? { warning } : {}),
        durationMs: clock.now() - started,
      };
    },
  };
}
