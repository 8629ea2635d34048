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
 * The release with its recorded split and rules back. A rule still in the route keeps its id (so it
 * is left or moved, not rewritten); one removed meanwhile comes back as a new rule; rules added
 * since the plan began go, since the route is restored as it was.
 */
export function restoredRelease(release: ServiceRelease, before: RouteBefore): DesiredRelease {
  const d = setSplit(release, before.split);
  const ids = new Set(d.rules.map((r) => r.id));
  d.rules = before.rules.map((r) => {
    if (r.id !== undefined && ids.has(r.id)) return { ...r };
    const { id: _id, ...rest } = r;
    return rest;
  });
  return d;
}
