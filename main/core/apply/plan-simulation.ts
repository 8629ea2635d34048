// The plan run on local copies before anything is sent: every intermediate state must be
// reachable (each `test` holds, each path exists) and no VirtualService may pass through a split
// that does not add up to 100.

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, JsonPatchError, JsonPatchTestError } from '../../../shared/mesh/model/index.ts';
import type { AnyPlan, ConflictView, DryRunResult, EngineStep } from './apply-types.ts';
import { actionOf, targetKey } from './apply-types.ts';
import { comparablePart, withoutTests } from './inverse-patch.ts';
import { newWeightProblems } from './weight-invariant.ts';

export interface SimulatedStep {
  before: KubeObject | null;
  after: KubeObject | null;
}

export type Simulation = { ok: true; steps: SimulatedStep[] } | Extract<DryRunResult, { ok: false }>;

function stepName(step: EngineStep): string {
  const t = step.target;
  return `step '${step.id}' (${t.kind} ${t.namespace}/${t.name})`;
}

export function simulatePlan(plan: AnyPlan, bases: ReadonlyMap<string, KubeObject | null>): Simulation {
  const state = new Map(bases);
  const steps: SimulatedStep[] = [];
  for (const step of plan.steps as EngineStep[]) {
    const key = targetKey(step.target);
    const before = state.get(key) ?? null;
    let after: KubeObject | null;
    const action = actionOf(step);
    if (action === 'create' && step.action === 'create') {
      if (before) {
        const conflict: ConflictView = {
          stepId: step.id,
          target: step.target,
          paths: [''],
          ours: { base: null, intended: step.object },
          theirs: before,
        };
        return {
          ok: false,
          error: {
            code: 'conflict',
            message: `${stepName(step)}: the object already exists`,
            details: { conflict },
          },
          conflict,
        };
      }
      after = comparablePart(step.object);
    } else if (action === 'delete') {
      after = null;
    } else {
      if (!before)
        return {
          ok: false,
          error: { code: 'not-found', message: `${stepName(step)}: the object does not exist` },
        };
      try {
        after = applyJsonPatch(before, step.patch ?? []);
      } catch (err) {
        if (err instanceof JsonPatchTestError) {
          const conflict: ConflictView = {
            stepId: step.id,
            target: step.target,
            paths: [err.path],
            ours: { base: before, intended: safeApply(before, step) },
            theirs: before,
          };
          return {
            ok: false,
            error: {
              code: 'conflict',
              message: `${stepName(step)} no longer fits the object: ${err.message}`,
              details: { conflict },
            },
            conflict,
          };
        }
        const where = err instanceof JsonPatchError ? err.path : '';
        return {
          ok: false,
          error: {
            code: 'invalid-request',
            message: `${stepName(step)} cannot apply: ${(err as Error).message}`,
            details: { path: where },
          },
        };
      }
    }
    const problems = newWeightProblems(bases.get(key) ?? null, after);
    if (problems.length > 0) {
      return {
        ok: false,
        error: {
          code: 'invalid-request',
          message: `${stepName(step)} would leave a split that does not add up to 100: ${problems.map((p) => p.message).join('; ')}`,
          details: { stepId: step.id, problems },
        },
      };
    }
    state.set(key, after);
    steps.push({ before, after });
  }
  return { ok: true, steps };
}

function safeApply(obj: KubeObject, step: EngineStep): KubeObject | null {
  try {
    return applyJsonPatch(obj, withoutTests(step.patch ?? []));
  } catch {
    return null;
  }
}
