// Whether the route's catch-all split is still what a release plan last wrote. A plan's steps are
// computed from its own record; written over a split someone else changed meanwhile, a step would
// undo their change unseen (a version they drained gets traffic back).

import type { TrafficSplit } from '../mesh/model/index.ts';

function weights(split: Readonly<TrafficSplit>): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of split) out.set(s.version, (out.get(s.version) ?? 0) + s.weight);
  return out;
}

const splitText = (split: Readonly<TrafficSplit>) =>
  split.map((s) => `${s.version} ${s.weight}%`).join(', ') || 'no catch-all split';

/**
 * Undefined when `live` gives every version the weight `expected` does (a version absent from one
 * side counts as 0%); otherwise one sentence naming both splits.
 */
export function splitDrift(
  expected: Readonly<TrafficSplit>,
  live: Readonly<TrafficSplit>,
): string | undefined {
  const want = weights(expected);
  const have = weights(live);
  const versions = new Set([...want.keys(), ...have.keys()]);
  for (const v of versions)
    if ((want.get(v) ?? 0) !== (have.get(v) ?? 0))
      return `the route's split changed since the plan last wrote it: it is ${splitText(live)}, where the plan left ${splitText(expected)}`;
  return undefined;
}
