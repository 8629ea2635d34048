// The route as it was before a release plan began (the catch-all split and the content rules), and
// the edit that puts it back: what a failed gate or an abort restores, through the same plan and
// apply path as every other change.

import type { ServiceRelease, TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { DesiredRelease, DesiredRule } from '../../../shared/mesh/plan/index.ts';
import { desiredOf, setSplit } from '../../../shared/mesh/plan/index.ts';

export interface RouteBefore {
  split: TrafficSplit;
  /** Content rules in order, disabled ones included, as `desiredOf` reads them. */
  rules: DesiredRule[];
}

export function routeBefore(release: ServiceRelease): RouteBefore {
  const d = desiredOf(release);
  return { split: d.split, rules: d.rules };
}

/**
 * The release with its recorded split and rules back. Rule ids are positions (`http:2`), so a
 * recorded rule is found again by what it is: the same name, matches and version first, then the
 * same name and matches (its version put back); it keeps that rule's id, so it is left or moved, not
 * rewritten. A rule removed meanwhile comes back as a new one; rules added since the plan began go.
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
  return d;
}
