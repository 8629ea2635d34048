import type { ApplyResultView, PlanStepView } from '../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, reviewPair, withoutServerFields } from '../../../shared/mesh/model/index.ts';
import { yamlText } from '../../../shared/text/yaml-text.ts';
import type { ApplyResult, ConflictView, DryRunResult, EngineStep } from '../apply/apply-types.ts';

// Plans and their outcomes in the operator's terms: each object as YAML before and after (without
// the fields the server owns, so the diff shows only what the change does), and step states.

/** The object as an operator reads it: no server-managed metadata, no status. */
export function objectYaml(o: KubeObject | null | undefined): string {
  return o ? yamlOf(withoutServerFields(o)) : '';
}

function yamlOf(o: KubeObject | null): string {
  return o ? yamlText(o) : '';
}

/** Before and after YAML of one step: server fields left out, status only when it is what changed. */
function stepYaml(before: KubeObject | null, after: KubeObject | null) {
  const [b, a] = reviewPair(before, after);
  return { beforeYaml: yamlOf(b), afterYaml: yamlOf(a) };
}

function localAfter(step: EngineStep, before: KubeObject | null): KubeObject | null {
  const action = step.action ?? 'patch';
  if (action === 'delete') return null;
  if (action === 'create' && 'object' in step) return step.object;
  try {
    return before ? applyJsonPatch(before, step.patch ?? []) : null;
  } catch {
    return before;
  }
}

/** One view per step; when the dry-run failed, every step shows the reason and what it would write. */
export function planStepViews(
  steps: readonly EngineStep[],
  dry: DryRunResult,
  bases: (step: EngineStep) => KubeObject | null,
): PlanStepView[] {
  return steps.map((step) => {
    const target = { kind: step.target.kind, namespace: step.target.namespace, name: step.target.name };
    if (dry.ok) {
      const d = dry.steps.find((s) => s.id === step.id);
      const before = d?.before ?? bases(step);
      const after = d?.after ?? localAfter(step, before);
      return {
        id: step.id,
        description: step.description,
        target,
        ...stepYaml(before, after),
        dryRun: { ok: true },
      };
    }
    const before = bases(step);
    return {
      id: step.id,
      description: step.description,
      target,
      ...stepYaml(before, localAfter(step, before)),
      dryRun: { ok: false, message: dry.error.message },
    };
  });
}

export function conflictView(c: ConflictView): NonNullable<ApplyResultView['conflict']> {
  return {
    object: { kind: c.target.kind, namespace: c.target.namespace, name: c.target.name },
    paths: c.paths,
    oursYaml: objectYaml(c.ours.intended ?? c.ours.base),
    theirsYaml: objectYaml(c.theirs),
  };
}

/** What the operator should do next, appended to the engine's error. */
export function adviceFor(error: ApiError, hasConflict: boolean): string {
  if (hasConflict)
    return 'Someone else changed the object meanwhile: compare both sides, then review the plan again.';
  switch (error.code) {
    case 'forbidden':
      return 'Ask for permission to patch these objects, or switch to a context that has it.';
    case 'unauthorized':
      return 'Your credentials were refused: log in again (refresh the kubeconfig token) and retry.';
    case 'unavailable':
      return 'The cluster did not answer: check the connection, then apply again.';
    case 'timeout':
      return 'The change was not confirmed in time: check the service view before applying again.';
    case 'invalid-request':
      return 'The server refused the change as invalid: review the plan and the lint findings.';
    default:
      return 'Review the plan again; nothing further was changed.';
  }
}

export function applyResultView(planId: string, result: ApplyResult): ApplyResultView {
  const steps = result.steps.map((s) => ({
    id: s.id,
    state:
      s.state === 'applied'
        ? ('done' as const)
        : s.state === 'rolled-back'
          ? ('rolled-back' as const)
          : s.state === 'unknown' || s.error
            ? ('failed' as const)
            : result.ok
              ? ('done' as const)
              : ('skipped' as const),
    ...(s.error ? { message: s.error } : {}),
  }));
  if (result.ok) {
    return {
      planId,
      ok: true,
      ...(result.historyId ? { historyId: result.historyId } : {}),
      ...(result.warning ? { warning: result.warning } : {}),
      steps,
    };
  }
  const conflict = result.conflict ? conflictView(result.conflict) : undefined;
  const advice = adviceFor(result.error, conflict !== undefined);
  return {
    planId,
    ok: false,
    steps,
    error: { code: result.error.code, message: `${result.error.message}. ${advice}` },
    ...(conflict ? { conflict } : {}),
  };
}
