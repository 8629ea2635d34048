// The route as it was before a release plan began (the catch-all split, the content rules and the
// catch-all's mirror), and
// the edit that puts it back: what a failed gate or an abort restores, through the same plan and
// apply path as every other change.

import type { ServiceRelease, TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { DesiredMirror, DesiredRelease, DesiredRule } from '../../../shared/mesh/plan/index.ts';
import {
  catchAllMirror,
  clearMirror,
  desiredOf,
  setMirror,
  setSplit,
} from '../../../shared/mesh/plan/index.ts';

export interface RouteBefore {
  split: TrafficSplit;
  /** Content rules in order, disabled ones included, as `desiredOf` reads them. */
  rules: DesiredRule[];
  /**
   * The catch-all route's mirror to one of the release's versions (null: none). Absent in plans
   * saved before mirror steps existed: their restore leaves the mirror as it is.
   */
  mirror?: DesiredMirror | null;
}

function mirrorOf(release: ServiceRelease): DesiredMirror | null {
  const m = catchAllMirror(release);
  return m?.version !== undefined ? { version: m.version, percentage: m.percentage } : null;
}

export function routeBefore(release: ServiceRelease): RouteBefore {
  const d = desiredOf(release);
  return { split: d.split, rules: d.rules, mirror: mirrorOf(release) };
}

/**
 * The release with its recorded split and rules back. Rule ids are positions (`http:2`), so a
 * recorded rule is found again by what it is: the same name, matches and version first, then the
 * same name and matches (its version put back); it keeps that rule's id, so it is left or moved, not
 * rewritten. A rule removed meanwhile comes back as a new one; rules added since the plan began go.
 * The mirror a mirror step set is removed, or the one the route had before comes back; a mirror
 * that is already as it was is left untouched.
 */
export function restoredRelease(release: ServiceRelease, before: RouteBefore): DesiredRelease {
  const d = setSplit(release, before.split);
  const free = [...d.rules];
  const take = (same: (r: DesiredRule) => boolean) => {
    const i = free.findIndex(same);
    return i < 0 ? undefined : free.splice(i, 1)[0]?.id;
  };
  const what = (r: DesiredRule, withVersion: boolean) =>
    JSON.stringify([r.name ?? null, r.matches, withVersion ? r.version : null]);
  const ids = before.rules.map((r) => take((c) => what(c, true) === what(r, true)));
  d.rules = before.rules.map((r, k) => {
    const id = ids[k] ?? take((c) => what(c, false) === what(r, false));
    const { id: _old, ...rest } = r;
    return id === undefined ? rest : { ...rest, id };
  });
  const want = before.mirror;
  if (want === undefined || JSON.stringify(mirrorOf(release)) === JSON.stringify(want)) return d;
  return want === null ? clearMirror(d) : setMirror(d, want);
}
