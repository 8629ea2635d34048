// Undo a recorded change: the inverse of each step, last first, as a plan the apply engine runs
// like any other (dry-run, make-before-break order, rollback, its own history entry). Each inverse
// tests the values the change wrote; when someone changed them since, the undo refuses and shows
// the three versions (before, after, live) instead of overwriting their work.

import type { ApiError } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, JsonPatchError } from '../../../shared/mesh/model/index.ts';
import type { PlanTarget } from '../../../shared/mesh/plan/index.ts';
import type { ApplyEngine } from '../apply/apply-engine.ts';
import type { ApplyProgress, ApplyResult, EnginePlan, EngineStep } from '../apply/apply-types.ts';
import { targetKey } from '../apply/apply-types.ts';
import { comparablePart, inversePatch, sameContent } from '../apply/inverse-patch.ts';
import type { KubeApi } from '../kube-api.ts';
import { KubeRequestError } from '../kube-api.ts';
import type { HistoryEntry } from './history-types.ts';

export interface ThreeWayView {
  stepId: string;
  target: PlanTarget;
  before: KubeObject | null;
  after: KubeObject | null;
  live: KubeObject | null;
  /** JSON pointers the change wrote that hold something else now ('' for the whole object). */
  paths: string[];
}

export type UndoPlan = { ok: true; plan: EnginePlan } | { ok: false; views: ThreeWayView[] };

export type UndoResult =
  | ApplyResult
  | { ok: false; refused: true; error: ApiError; threeWay: ThreeWayView[] };

/** Pure: the undo plan for an entry against the objects as they are now (null: gone). */
export function planUndo(entry: HistoryEntry, live: ReadonlyMap<string, KubeObject | null>): UndoPlan {
  const state = new Map(live);
  const guarded = new Set<string>();
  const steps: EngineStep[] = [];
  const views: ThreeWayView[] = [];
  for (const s of [...entry.steps].reverse()) {
    const key = targetKey(s.target);
    const cur = state.get(key) ?? null;
    const id = `undo-${s.id}`;
    const description = `undo: ${s.description}`;
    const view = (paths: string[]) =>
      views.push({
        stepId: s.id,
        target: s.target,
        before: s.before,
        after: s.after,
        live: live.get(key) ?? null,
        paths,
      });
    const prev = steps.at(-1);
    const dependsOn = prev && targetKey(prev.target) !== key ? { dependsOn: [prev.id] } : {};
    if (s.before === null && s.after) {
      if (!cur || !sameContent(cur, s.after)) {
        view(['']);
        continue;
      }
      const rv = cur.metadata.resourceVersion;
      steps.push({
        id,
        description,
        target: s.target,
        action: 'delete',
        ...(rv ? { preconditions: { resourceVersion: rv } } : {}),
        ...dependsOn,
      });
      state.set(key, null);
    } else if (s.before && s.after === null) {
      if (cur) {
        view(['']);
        continue;
      }
      const object = comparablePart(s.before);
      steps.push({ id, description, target: s.target, action: 'create', object, ...dependsOn });
      state.set(key, object);
    } else if (s.before && s.after) {
      if (!cur) {
        view(['']);
        continue;
      }
      const ops = inversePatch(s.before, s.after);
      if (ops.length === 0) continue;
      let next: KubeObject;
      try {
        next = applyJsonPatch(cur, ops);
      } catch (err) {
        view([err instanceof JsonPatchError ? err.path : '']);
        continue;
      }
      // The first write to an object also guards its resourceVersion, so a change racing the
      // undo is caught (and rebased when it touched other fields).
      const rv = cur.metadata.resourceVersion;
      const patch =
        !guarded.has(key) && rv
          ? [{ op: 'test' as const, path: '/metadata/resourceVersion', value: rv }, ...ops]
          : ops;
      guarded.add(key);
      steps.push({ id, description, target: s.target, patch, ...dependsOn });
      state.set(key, next);
    }
  }
  return views.length > 0 ? { ok: false, views } : { ok: true, plan: { releaseId: entry.releaseId, steps } };
}

async function readLive(
  api: KubeApi,
  targets: readonly PlanTarget[],
): Promise<Map<string, KubeObject | null>> {
  const out = new Map<string, KubeObject | null>();
  for (const t of targets) {
    const key = targetKey(t);
    if (out.has(key)) continue;
    try {
      out.set(key, await api.get(t));
    } catch (err) {
      if (err instanceof KubeRequestError && err.status === 404) out.set(key, null);
      else throw err;
    }
  }
  return out;
}

export interface UndoDeps {
  api: KubeApi;
  engine: ApplyEngine;
  history: { get(id: string): Promise<HistoryEntry | undefined> };
}

export async function undoChange(
  deps: UndoDeps,
  id: string,
  who: { context: string; user: string; onProgress?: (e: ApplyProgress) => void },
): Promise<UndoResult> {
  const entry = await deps.history.get(id);
  if (!entry) {
    return {
      ok: false,
      refused: true,
      error: { code: 'not-found', message: `no history entry '${id}'` },
      threeWay: [],
    };
  }
  const live = await readLive(
    deps.api,
    entry.steps.map((s) => s.target),
  );
  const plan = planUndo(entry, live);
  if (!plan.ok) {
    const what = plan.views.map((v) => `${v.target.kind} ${v.target.namespace}/${v.target.name}`).join(', ');
    return {
      ok: false,
      refused: true,
      error: {
        code: 'conflict',
        message: `cannot undo '${entry.description}': ${what} changed since; compare before, after and live`,
        details: { threeWay: plan.views },
      },
      threeWay: plan.views,
    };
  }
  const objects = [...live.values()].filter((o): o is KubeObject => o !== null);
  return deps.engine.apply({
    plan: plan.plan,
    context: who.context,
    user: who.user,
    objects,
    kind: 'undo',
    undoOf: entry.id,
    description: `undo: ${entry.description}`,
    ...(who.onProgress ? { onProgress: who.onProgress } : {}),
  });
}
