import type { HistoryEntryView } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/istio-types.ts';
import type { EnginePlan } from '../apply/apply-types.ts';
import { targetKey } from '../apply/apply-types.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { HistoryEntry } from '../history/history-types.ts';
import { planUndo } from '../history/history-undo.ts';
import { createKubeApi, KubeRequestError } from '../kube-api.ts';
import { objectYaml } from './plan-views.ts';

export function historyEntryView(e: HistoryEntry, undone: ReadonlySet<string | undefined>): HistoryEntryView {
  return {
    id: e.id,
    contextId: e.context,
    ...(e.releaseId ? { releaseId: e.releaseId } : {}),
    user: e.user,
    time: e.time,
    summary: e.description,
    undoable: !undone.has(e.id) && e.steps.length > 0,
    ...(e.undoOf ? { undoOf: e.undoOf } : {}),
  };
}

/** The undo of an entry against the objects as the cluster has them now (read, not cached). */
export async function planUndoFor(entry: HistoryEntry, session: ClusterSession): Promise<EnginePlan> {
  if (!session.client) throw new ApiFailure('unavailable', `context ${entry.context} is not connected`);
  const api = createKubeApi(session.client);
  const live = new Map<string, KubeObject | null>();
  for (const s of entry.steps) {
    const key = targetKey(s.target);
    if (live.has(key)) continue;
    try {
      live.set(key, await api.get(s.target));
    } catch (err) {
      if (err instanceof KubeRequestError && err.status === 404) live.set(key, null);
      else
        throw new ApiFailure(
          'unavailable',
          `cannot read ${s.target.kind} ${s.target.namespace}/${s.target.name}: ${(err as Error).message}`,
        );
    }
  }
  const undo = planUndo(entry, live);
  if (undo.ok) return undo.plan;
  const what = undo.views.map((v) => `${v.target.kind} ${v.target.namespace}/${v.target.name}`).join(', ');
  throw new ApiFailure(
    'conflict',
    `cannot undo “${entry.description}”: ${what} changed since. Compare the versions below and make the change by hand.`,
    {
      threeWay: undo.views.map((v) => ({
        object: { kind: v.target.kind, namespace: v.target.namespace, name: v.target.name },
        paths: v.paths,
        beforeYaml: objectYaml(v.before),
        afterYaml: objectYaml(v.after),
        liveYaml: objectYaml(v.live),
      })),
    },
  );
}
