// Before the first real write: the objects the plan starts from (the caller's current ones, or read),
// every state the plan passes through checked (no split off 100, not even for a moment), and every
// step dry-run on the server, with the patches as rebased by the dry-run kept for the real writes.

import type { ApiError } from '../../../shared/api/errors.ts';
import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import type { PlanTarget } from '../../../shared/mesh/plan/index.ts';
import type { KubeApi } from '../kube-api.ts';
import { KubeRequestError } from '../kube-api.ts';
import { apiErrorOf } from './apply-errors.ts';
import type { AnyPlan, DryRunResult, DryRunStep, EngineStep } from './apply-types.ts';
import { actionOf, targetKey } from './apply-types.ts';
import { meshMixGuard } from './mesh-mix-guard.ts';
import { simulatePlan } from './plan-simulation.ts';
import type { WriteContext } from './step-writer.ts';
import { writeStep } from './step-writer.ts';

export type Prepared =
  | {
      ok: true;
      bases: Map<string, KubeObject | null>;
      patches: JsonPatchOp[][];
      dry: Extract<DryRunResult, { ok: true }>;
    }
  | { ok: false; result: Extract<DryRunResult, { ok: false }> };

function sameTarget(o: KubeObject, t: PlanTarget): boolean {
  return (
    targetKey({ ...t }) ===
    targetKey({
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.metadata.namespace || 'default',
      name: o.metadata.name,
    })
  );
}

function patchOf(step: EngineStep): JsonPatchOp[] {
  return actionOf(step) === 'patch' ? [...(step.patch ?? [])] : [];
}

async function loadBases(
  api: KubeApi,
  plan: AnyPlan,
  objects: readonly KubeObject[] | undefined,
): Promise<Map<string, KubeObject | null>> {
  const bases = new Map<string, KubeObject | null>();
  for (const step of plan.steps) {
    const key = targetKey(step.target);
    if (bases.has(key)) continue;
    const known = objects?.find((o) => sameTarget(o, step.target));
    if (known) {
      bases.set(key, known);
      continue;
    }
    try {
      bases.set(key, await api.get(step.target));
    } catch (err) {
      if (err instanceof KubeRequestError && err.status === 404) bases.set(key, null);
      else throw Object.assign(new Error('read failed'), { apiError: apiErrorOf(err, step.target) });
    }
  }
  return bases;
}

/** Server-side dry-run of every step; rebased patches are kept for the real writes. */
async function dryRunSteps(
  plan: AnyPlan,
  bases: Map<string, KubeObject | null>,
  patches: JsonPatchOp[][],
  ctx: WriteContext,
): Promise<DryRunResult> {
  const out: DryRunStep[] = [];
  for (const [i, step] of plan.steps.entries()) {
    const key = targetKey(step.target);
    const base = bases.get(key) ?? null;
    // The server cannot dry-run a step on an object an earlier step creates or deletes.
    const earlier = plan.steps.slice(0, i).filter((s) => targetKey(s.target) === key);
    const skip =
      earlier.length > 0 && (actionOf(step) !== 'patch' || earlier.some((s) => actionOf(s) !== 'patch'));
    ctx.onProgress?.({ type: 'dry-run', stepId: step.id });
    if (skip) {
      out.push({
        id: step.id,
        description: step.description,
        target: step.target,
        before: base,
        after: null,
        changes: patchOf(step).filter((o) => o.op !== 'test'),
      });
      continue;
    }
    const w = await writeStep(ctx, step, base, patches[i] ?? [], true);
    if (!w.ok) return { ok: false, error: w.error, ...(w.conflict ? { conflict: w.conflict } : {}) };
    patches[i] = w.patch;
    if (w.rebased > 0) bases.set(key, w.before);
    out.push({
      id: step.id,
      description: step.description,
      target: step.target,
      before: w.before,
      after: w.after,
      changes: w.patch.filter((o) => o.op !== 'test'),
    });
  }
  return { ok: true, steps: out };
}

/** Loads, simulates and (unless told not to) dry-runs the plan, then simulates the rebased plan. */
export async function prepare(
  plan: AnyPlan,
  objects: readonly KubeObject[] | undefined,
  ctx: WriteContext,
  withDryRun = true,
): Promise<Prepared> {
  let bases: Map<string, KubeObject | null>;
  try {
    bases = await loadBases(ctx.api, plan, objects);
  } catch (err) {
    const apiError = (err as { apiError?: ApiError }).apiError;
    return {
      ok: false,
      result: { ok: false, error: apiError ?? { code: 'internal', message: (err as Error).message } },
    };
  }
  const sim = simulatePlan(plan, bases);
  if (!sim.ok) return { ok: false, result: sim };
  try {
    const mix = await meshMixGuard(ctx.api, sim.steps);
    if (mix) return { ok: false, result: mix };
  } catch (err) {
    const message = `could not check for a VirtualService and an HTTPRoute on one service: ${(err as Error).message}`;
    return { ok: false, result: { ok: false, error: { code: 'unavailable', message } } };
  }
  const patches = plan.steps.map(patchOf);
  if (!withDryRun) return { ok: true, bases, patches, dry: { ok: true, steps: [] } };
  const dry = await dryRunSteps(plan, bases, patches, ctx);
  if (!dry.ok) return { ok: false, result: dry };
  const rebasedSteps = plan.steps.map((s, i) =>
    actionOf(s) === 'patch' ? { ...s, patch: patches[i] ?? [] } : s,
  ) as EngineStep[];
  const resim = simulatePlan({ ...plan, steps: rebasedSteps }, bases);
  if (!resim.ok) return { ok: false, result: resim };
  return { ok: true, bases, patches, dry };
}
