import { DRAFT_CONTEXT_PREFIX } from '../../../../shared/api/draft-context.ts';
import type {
  ConflictResolution,
  DraftCompareView,
  DraftObjectCompare,
  DraftView,
} from '../../../../shared/api/draft-schemas.ts';
import type { ReleaseStore } from '../../stores/release-store.ts';
import { editKey } from '../../stores/release-store.ts';

// How a draft lives in the release store (its own key), and how overlap choices are kept.

/** The release-store key of a draft's own release (`draft:<id>|<releaseId>`), when it has a route. */
export function draftReleaseKey(view: Pick<DraftView, 'id' | 'release'>): string | undefined {
  return view.release ? editKey(`${DRAFT_CONTEXT_PREFIX}${view.id}`, view.release.releaseId) : undefined;
}

/** Drops a draft's release from the release store (its view and its edits). */
export function forgetDraftRelease(releases: ReleaseStore, key: string): void {
  releases.setState((s) => {
    const { [key]: _v, ...views } = s.views;
    const { [key]: _d, ...edits } = s.edits;
    return { views, edits };
  });
}

/** Seeds (or re-seeds) the release store with the draft's release, never loaded from a cluster. */
export function seedDraftRelease(releases: ReleaseStore, view: DraftView): void {
  const key = draftReleaseKey(view);
  if (!key || !view.release) return;
  // Locks are the operator's aids, not part of the draft: they survive a re-seed.
  const locked = new Set(
    (releases.getState().edits[key]?.split ?? []).filter((v) => v.locked).map((v) => v.version),
  );
  forgetDraftRelease(releases, key);
  releases.getState().received({ ...view.release, contextId: `${DRAFT_CONTEXT_PREFIX}${view.id}` });
  if (locked.size > 0)
    releases
      .getState()
      .edit(key, (d) => ({ split: d.split.map((v) => ({ ...v, locked: locked.has(v.version) })) }));
}

/** One overlap's identity: the object and the path inside it. */
export function conflictKey(
  o: Pick<DraftObjectCompare, 'kind' | 'namespace' | 'name'>,
  path: string,
): string {
  return JSON.stringify([o.kind, o.namespace, o.name, path]);
}

/** The operator's choice for one overlap, with the live value it was made against. */
export interface HeldResolution {
  take: 'draft' | 'live';
  liveYaml: string;
}

/** Keeps the choices whose overlap is still there with the same live value. */
export function keepValid(held: Record<string, HeldResolution>, view: DraftCompareView) {
  const out: Record<string, HeldResolution> = {};
  for (const o of view.objects)
    for (const c of o.conflicts) {
      const k = conflictKey(o, c.path);
      const r = held[k];
      if (r && r.liveYaml === c.liveYaml) out[k] = r;
    }
  return out;
}

/** Every overlap of the comparison has a choice. */
export function allResolved(
  view: DraftCompareView | undefined,
  held: Record<string, HeldResolution>,
): boolean {
  if (!view) return false;
  return view.objects.every((o) => o.conflicts.every((c) => held[conflictKey(o, c.path)] !== undefined));
}

/** The resolutions to send: one per overlap of the comparison that has a choice. */
export function resolutionList(
  view: DraftCompareView | undefined,
  held: Record<string, HeldResolution>,
): ConflictResolution[] {
  const out: ConflictResolution[] = [];
  for (const o of view?.objects ?? [])
    for (const c of o.conflicts) {
      const r = held[conflictKey(o, c.path)];
      if (r) out.push({ kind: o.kind, namespace: o.namespace, name: o.name, path: c.path, take: r.take });
    }
  return out;
}
