// "Never a split that does not sum to 100, not even for a moment": every state a plan passes
// through is checked before the first write. A route that was already off before the plan and
// that the plan leaves as it was is not ours to block on.

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import {
  deepEqual,
  fieldOf,
  formatPointer,
  getAtPointer,
  isPlainObject,
} from '../../../shared/mesh/model/index.ts';

export interface WeightProblem {
  /** JSON pointer of the route list (`/spec/http/1/route`). */
  pointer: string;
  message: string;
}

const ROUTE_LISTS = ['http', 'tcp', 'tls'] as const;

/** Weighted VirtualService routes whose weights do not add up to 100. Other kinds have none. */
export function weightProblems(obj: KubeObject | null | undefined): WeightProblem[] {
  if (obj?.kind !== 'VirtualService' || !isPlainObject(obj.spec)) return [];
  const problems: WeightProblem[] = [];
  for (const list of ROUTE_LISTS) {
    const routes = obj.spec[list];
    if (!Array.isArray(routes)) continue;
    routes.forEach((r, i) => {
      if (!isPlainObject(r) || !Array.isArray(r.route)) return;
      const dests = r.route.filter(isPlainObject);
      // One destination takes all traffic whatever its weight says; Istio ignores it.
      if (dests.length < 2) return;
      const weights = dests.map((d) => d.weight);
      const bad = weights.find(
        (w) => w !== undefined && (typeof w !== 'number' || !Number.isInteger(w) || w < 0),
      );
      const pointer = formatPointer(['spec', list, i, 'route']);
      if (bad !== undefined) {
        problems.push({
          pointer,
          message: `${fieldOf(pointer)}: weight ${JSON.stringify(bad)} is not a whole number >= 0`,
        });
        return;
      }
      const total = weights.reduce<number>((s, w) => s + ((w as number | undefined) ?? 0), 0);
      if (total !== 100)
        problems.push({ pointer, message: `${fieldOf(pointer)}: weights add up to ${total}, not 100` });
    });
  }
  return problems;
}

/** Problems in `after` that `before` did not already have at the same, unchanged route. */
export function newWeightProblems(
  before: KubeObject | null | undefined,
  after: KubeObject | null | undefined,
): WeightProblem[] {
  return weightProblems(after).filter((p) => {
    if (!before) return true;
    const was = getAtPointer(before, p.pointer);
    return !(was !== undefined && deepEqual(was, getAtPointer(after, p.pointer)));
  });
}
