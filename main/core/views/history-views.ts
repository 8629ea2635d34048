import type { ComparedVersionView, HistoryEntryView } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { summarizeChange, undoSummary } from '../../../shared/mesh/plan/index.ts';
import type { EnginePlan } from '../apply/apply-types.ts';
import { targetKey } from '../apply/apply-types.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { HistoryEntry } from '../history/history-types.ts';
import { planUndo, type ThreeWayView } from '../history/history-undo.ts';
import { createKubeApi, KubeRequestError } from '../kube-api.ts';
import { objectYaml } from './plan-views.ts';

/** An object as the watch cache has it: null when gone, undefined when the cache cannot say. */
export type LiveObjectLookup = (
  target: HistoryEntry['steps'][number]['target'],
) => KubeObject | null | undefined;

const rvOf = (o: KubeObject | null | undefined) =>
  o?.metadata.resourceVersion !== undefined ? String(o.metadata.resourceVersion) : undefined;

/** The resourceVersions an undo compared for the objects that changed since. */
export function comparedVersions(views: readonly ThreeWayView[]): ComparedVersionView[] {
  return views.map((v) => {
    const recorded = rvOf(v.after);
    const live = rvOf(v.live);
    return {
      object: `${v.target.kind} ${v.target.namespace}/${v.target.name}`,
      ...(recorded !== undefined ? { recorded } : {}),
      ...(live !== undefined ? { live } : {}),
    };
  });
}

/** "VirtualService bookinfo/reviews changed since (resourceVersion 12 after this change, 15 now)". */
export function changedSinceWords(compared: readonly ComparedVersionView[]): string {
  return compared
    .map((c) => {
      if (c.live === undefined)
        return `${c.object} was deleted since (resourceVersion ${c.recorded ?? 'none'} after this change)`;
      if (c.recorded === undefined) return `${c.object} exists again (resourceVersion ${c.live} now)`;
      return `${c.object} changed since (resourceVersion ${c.recorded} after this change, ${c.live} now)`;
    })
    .join('; ');
}

/** The live objects an undo would start from, or undefined while the cache cannot say for one of them. */
function liveMap(entry: HistoryEntry, live: LiveObjectLookup): Map<string, KubeObject | null> | undefined {
  const out = new Map<string, KubeObject | null>();
  for (const s of entry.steps) {
    const key = targetKey(s.target);
    if (out.has(key)) continue;
    const o = live(s.target);
    if (o === undefined) return undefined;
    // The cache has not seen this change land yet (it still holds the object as it was before).
    const first = entry.steps.find((x) => targetKey(x.target) === key);
    if (o && first?.before && rvOf(o) === rvOf(first.before)) return undefined;
    out.set(key, o);
  }
  return out;
}

/** Why Undo cannot apply to an entry now, with the resourceVersions compared; undefined when it can. */
export function undoBlock(
  entry: HistoryEntry,
  undoneBy: HistoryEntry | undefined,
  live: LiveObjectLookup | undefined,
): { reason: string; compared?: ComparedVersionView[] } | undefined {
  if (entry.steps.length === 0) return { reason: 'Nothing to undo: this change wrote nothing.' };
  if (undoneBy) return { reason: `Already undone on ${undoneBy.time} by ${undoneBy.user}.` };
  const current = live ? liveMap(entry, live) : undefined;
  if (!current) return undefined;
  const plan = planUndo(entry, current);
  if (plan.ok) return undefined;
  const compared = comparedVersions(plan.views);
  return {
    reason: `Cannot undo: ${changedSinceWords(compared)}. Undoing would overwrite that change.`,
    compared,
  };
}

/**
 * What the objects cannot say about a change, taken from its recorded description: that it was a
 * roll back, which rules were kept on purpose (their requests still reach other versions), and the
 * release wizard's step it belongs to.
 */
export function withIntent(computed: string, description: string, fromWizard = false): string {
  let out = computed;
  const rollback = /: roll back to (\S+?)(?:;|$)/.exec(description);
  if (rollback) out = out.replace('(switch all traffic)', `(roll back to ${rollback[1]})`);
  const kept = /rule\(s\) (.+?) kept \(/.exec(description);
  if (kept) out += `; kept rule(s) ${kept[1]} (their requests still reach their versions)`;
  // A release wizard step ("bookinfo.reviews.v4: promote v4 (health overridden)") names its step.
  const step = fromWizard ? /^[^\s:]+: (.+)$/.exec(description) : null;
  if (step) out += ` — release wizard: ${step[1]}`;
  return out;
}

/** The entry's action in words, from its objects before and after (the recorded description else). */
export function entrySummary(e: HistoryEntry, byId: ReadonlyMap<string, HistoryEntry>): string {
  const computed = summarizeChange(e.steps);
  const own = computed ? withIntent(computed, e.description, e.kind === 'release') : e.description;
  if (e.kind !== 'undo') return own;
  const undone = e.undoOf ? byId.get(e.undoOf) : undefined;
  const what = undone
    ? summarizeChange(undone.steps) || undone.description
    : e.description.replace(/^undo: /, '');
  return undoSummary(what, summarizeChange(e.steps));
}

type UndoBlock = ReturnType<typeof undoBlock>;

/**
 * The parts of an entry's view that cost (its summary from its steps, and whether Undo applies:
 * an undo planned against the live objects), kept per entry. A History entry never changes once
 * written, so its summary is kept by its id (and whether the entry it undid is on the page); the
 * undo check by its id, the entry that undid it, and the resourceVersion of each live object it
 * would touch, so a change to any of them plans it again. `history.list` asked for every entry's
 * undo plan at every call: 3-50 ms at ~20 entries, called two or three times after each change.
 */
export function historyViewMemo(maxEntries = 4000) {
  const summaries = new Map<string, string>();
  const blocks = new Map<string, UndoBlock>();
  let planned = 0;
  const keep = <V>(map: Map<string, V>, key: string, value: V) => {
    if (map.size >= maxEntries) map.clear();
    map.set(key, value);
    return value;
  };
  return {
    /** How many undo checks were worked out rather than taken from the memo (for tests). */
    get planned() {
      return planned;
    },
    summary(e: HistoryEntry, byId: ReadonlyMap<string, HistoryEntry>): string {
      const key = `${e.id}|${e.undoOf && byId.has(e.undoOf) ? 'with' : 'without'}`;
      return summaries.get(key) ?? keep(summaries, key, entrySummary(e, byId));
    },
    block(
      e: HistoryEntry,
      undoneBy: HistoryEntry | undefined,
      live: LiveObjectLookup | undefined,
    ): UndoBlock {
      const versions = live
        ? e.steps.map((s) => {
            const o = live(s.target);
            return o === undefined ? '?' : o === null ? '-' : (rvOf(o) ?? '');
          })
        : undefined;
      const key = `${e.id}|${undoneBy?.id ?? ''}|${versions?.join(',') ?? 'no-cache'}`;
      if (blocks.has(key)) return blocks.get(key);
      planned++;
      return keep(blocks, key, undoBlock(e, undoneBy, live));
    },
  };
}

export type HistoryViewMemo = ReturnType<typeof historyViewMemo>;

/** The memo main's History views share (one process, entry ids unique). */
const sharedMemo = historyViewMemo();

export function historyEntryView(
  e: HistoryEntry,
  page: { byId: ReadonlyMap<string, HistoryEntry>; undoneBy: ReadonlyMap<string, HistoryEntry> },
  live?: LiveObjectLookup,
  memo: HistoryViewMemo = sharedMemo,
): HistoryEntryView {
  const block = memo.block(e, page.undoneBy.get(e.id), live);
  return {
    id: e.id,
    contextId: e.context,
    ...(e.releaseId ? { releaseId: e.releaseId } : {}),
    user: e.user,
    time: e.time,
    summary: memo.summary(e, page.byId),
    undoable: block === undefined,
    ...(block ? { undoBlocked: block.reason } : {}),
    ...(block?.compared ? { compared: block.compared } : {}),
    ...(e.undoOf ? { undoOf: e.undoOf } : {}),
  };
}

/** The views of a page of history, newest first as given; `live` looks objects up in the watch cache. */
export function historyViews(
  entries: readonly HistoryEntry[],
  live?: (context: string) => LiveObjectLookup | undefined,
  memo: HistoryViewMemo = sharedMemo,
) {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const undoneBy = new Map<string, HistoryEntry>();
  for (const e of entries) if (e.undoOf && !undoneBy.has(e.undoOf)) undoneBy.set(e.undoOf, e);
  return entries.map((e) => historyEntryView(e, { byId, undoneBy }, live?.(e.context), memo));
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
  const compared = comparedVersions(undo.views);
  throw new ApiFailure(
    'conflict',
    `cannot undo “${summarizeChange(entry.steps) || entry.description}”: ${changedSinceWords(compared)}. Compare the versions below and make the change by hand.`,
    {
      compared,
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
