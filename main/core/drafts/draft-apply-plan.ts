// From a compared draft to a plan for the apply engine: one create step per object the draft
// creates, one patch step per merged object (the merge's patch: resourceVersion test, value tests,
// changes), in the order of the draft's own plan so subsets exist before a route uses them and go
// only after it stopped using them.

import type { ObjectKey, ObjectMerge } from '../../../shared/drafts/three-way-merge.ts';
import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepEqual } from '../../../shared/mesh/model/index.ts';
import type { EnginePlan, EngineStep } from '../apply/apply-types.ts';
import { newWeightProblems } from '../apply/weight-invariant.ts';
import type { DraftComparison } from './draft-compare.ts';
import { keyText } from './draft-compare.ts';
import { forKubectl } from './draft-export.ts';
import type { DraftStep } from './draft-objects.ts';
import { draftSteps } from './draft-objects.ts';
import type { Draft } from './draft-schema.ts';

/** The merge is fine per field but not as a whole (a split that no longer adds up to 100). */
export class DraftPlanError extends Error {
  override name = 'DraftPlanError';
}

const RV = '/metadata/resourceVersion';

interface Run {
  key: string;
  target: ObjectKey;
  steps: DraftStep[];
}

/** Consecutive plan steps on one object form a run; an object in two runs is changed in stages. */
function runsOf(steps: readonly DraftStep[]): Run[] {
  const runs: Run[] = [];
  for (const s of steps) {
    const last = runs.at(-1);
    if (last && last.key === keyText(s.target)) last.steps.push(s);
    else runs.push({ key: keyText(s.target), target: s.target, steps: [s] });
  }
  return runs;
}

function where(k: ObjectKey): string {
  return `${k.kind} ${k.namespace}/${k.name}`;
}

/**
 * An object the draft changes before and after another (a DestinationRule gaining a subset before
 * the route uses it and losing one after): its own plan patches, guarded by the live
 * resourceVersion, as long as they replay on the live object to exactly the merged result. Then
 * every stage is also valid on the untouched object, which the engine's dry-run needs.
 */
function stagedPatches(runs: readonly Run[], live: KubeObject, merged: KubeObject): JsonPatchOp[][] {
  const rv = live.metadata.resourceVersion;
  const patches = runs.map((run) =>
    run.steps
      .flatMap((s, i) => (i === 0 ? s.patch : s.patch.filter((op) => op.path !== RV)))
      .map((op) => (op.op === 'test' && op.path === RV ? { ...op, value: rv } : op)),
  );
  let state = live;
  try {
    for (const p of patches) state = applyJsonPatch(state, p);
  } catch {
    state = live;
  }
  if (!deepEqual(state, merged)) {
    const k = (runs[0] as Run).target;
    throw new DraftPlanError(
      `${where(k)} is changed in ${runs.length} stages around other objects (make-before-break), and its live copy changed where the draft changes it; compare again and take the cluster's side there, or start a new draft from the cluster`,
    );
  }
  return patches;
}

// A Deployment first: its pods start while the rest is written (and no route uses them yet).
const CREATE_ORDER = ['Deployment', 'DestinationRule', 'Service'];

function createRank(kind: string): number {
  const i = CREATE_ORDER.indexOf(kind);
  return i < 0 ? CREATE_ORDER.length : i;
}

function checkWeights(m: Extract<ObjectMerge, { outcome: 'merged' }>, live: KubeObject | undefined): void {
  const problems = newWeightProblems(live ?? null, m.merged);
  if (problems.length > 0)
    throw new DraftPlanError(
      `merging the draft with the cluster's changes would leave ${where(m.key)} with ${problems.map((p) => p.message).join('; ')}; take the same side for every weight of that route`,
    );
}

/** The plan for `release.apply`; assumes the comparison is ok (no conflict left). */
export function draftEnginePlan(draft: Draft, comparison: DraftComparison, releaseId: string): EnginePlan {
  const merges = new Map(comparison.merge.objects.map((m) => [keyText(m.key), m]));
  const steps: EngineStep[] = [];
  const ids = new Set<string>();
  const uniqueId = (id: string) => {
    let out = id;
    for (let n = 2; ids.has(out); n++) out = `${id}-${n}`;
    ids.add(out);
    return out;
  };

  const creates = comparison.merge.objects
    .filter((m): m is Extract<ObjectMerge, { outcome: 'create' }> => m.outcome === 'create')
    .sort((a, b) => createRank(a.key.kind) - createRank(b.key.kind));
  for (const c of creates) {
    steps.push({
      id: uniqueId(`create-${c.key.kind.toLowerCase()}-${c.key.name}`),
      description: `create ${where(c.key)}`,
      target: c.key,
      action: 'create',
      object: forKubectl(c.merged),
    });
  }

  const runs = runsOf(draftSteps(draft));
  const runsByKey = new Map<string, Run[]>();
  for (const r of runs) runsByKey.set(r.key, [...(runsByKey.get(r.key) ?? []), r]);
  const staged = new Map<string, JsonPatchOp[][]>();
  const placed = new Set<string>();
  const pushPatch = (
    m: Extract<ObjectMerge, { outcome: 'merged' }>,
    id: string,
    desc: string,
    patch: JsonPatchOp[],
  ) => {
    if (patch.length === 0) return;
    const liveNote = comparison.view.objects.find((o) => keyText(o) === keyText(m.key))?.liveChanged
      ? ' (merged with changes made in the cluster since the draft began)'
      : '';
    steps.push({ id: uniqueId(id), description: `${desc}${liveNote}`, target: m.key, patch });
  };

  for (const run of runs) {
    const m = merges.get(run.key);
    if (m?.outcome !== 'merged' || m.patch.length === 0) continue;
    const live = comparison.live.get(run.key);
    checkWeights(m, live);
    const all = runsByKey.get(run.key) ?? [run];
    let patch = m.patch;
    if (all.length > 1) {
      let stages = staged.get(run.key);
      if (!stages) {
        stages = stagedPatches(all, live as KubeObject, m.merged);
        staged.set(run.key, stages);
      }
      patch = stages[all.indexOf(run)] ?? [];
    }
    placed.add(run.key);
    const first = run.steps[0] as DraftStep;
    pushPatch(m, first.id, run.steps.map((s) => s.description).join('; '), patch);
  }
  // Objects changed outside the draft's plan (none today): after everything else.
  for (const m of comparison.merge.objects) {
    if (m.outcome !== 'merged' || placed.has(keyText(m.key))) continue;
    checkWeights(m, comparison.live.get(keyText(m.key)));
    pushPatch(m, `update-${m.key.kind.toLowerCase()}-${m.key.name}`, `update ${where(m.key)}`, m.patch);
  }

  // Each step waits for the one before it to reach the mesh.
  steps.forEach((s, i) => {
    const prev = steps[i - 1];
    if (prev) s.dependsOn = [prev.id];
  });
  return { releaseId, steps };
}
