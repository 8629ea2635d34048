// The catch-all rule's backendRefs once a rollout's version is withdrawn (the wizard's abort on a
// Gateway API route). They are worked out from the refs as they are NOW, not from a copy saved when
// the version was added: other rollouts may have added or withdrawn their own versions since, and
// putting a saved copy back would drop theirs and bring back refs to Services already deleted.

import type { GatewayBackendRef } from '../model/index.ts';
import { deepEqual, effectiveBackendWeight, isPlainObject, ReleaseEditError } from '../model/index.ts';
import { backendVersionName } from '../read/index.ts';

export interface WithdrawRefsOptions {
  /** The version (a backend Service name, as the release reads it) that leaves the route. */
  version: string;
  /** The version its share goes back to: the rollout's stable one. */
  stable: string;
  /** The route's namespace, which a backendRef without one points into. */
  routeNamespace: string;
  /**
   * The refs as they were before the version was added. Written back as they were (their own
   * weights and notation, so a GitOps copy of the route shows no drift) only when they are the
   * same refs as the result and route every request the same way; otherwise they are not used.
   */
  before?: readonly unknown[] | undefined;
}

const copy = (refs: readonly unknown[]) => JSON.parse(JSON.stringify(refs)) as unknown[];
const versionOf = (ref: unknown, ns: string) =>
  isPlainObject(ref) ? backendVersionName(ref as GatewayBackendRef, ns) : null;
const weightOf = (ref: unknown) =>
  effectiveBackendWeight(isPlainObject(ref) && typeof ref.weight === 'number' ? ref.weight : undefined);
const withoutWeight = (ref: unknown) => {
  if (!isPlainObject(ref)) return ref;
  const { weight: _, ...rest } = ref;
  return rest;
};

/** Whether two lists of refs send the same share of requests to each entry (weights are relative). */
function sameShares(a: readonly unknown[], b: readonly unknown[]): boolean {
  const wa = a.map(weightOf);
  const wb = b.map(weightOf);
  const ta = wa.reduce((x, y) => x + y, 0);
  const tb = wb.reduce((x, y) => x + y, 0);
  if (ta === 0 || tb === 0) return ta === tb;
  // Cross-multiplied, so 9:1 and 90:10 compare equal without rounding.
  return wa.every((w, i) => w * tb === wb[i]! * ta);
}

/**
 * The refs with every ref to `version` removed and its weight added to the stable version's ref,
 * so each other version keeps its raw weight and its share of requests, and the stable version
 * gets back exactly the share the withdrawn one had (in the route's own relative scale: 9:1 with
 * the 1 withdrawn gives 10). Without a ref to the stable version the share is spread over the
 * others (a relative weight that is gone). No ref is ever added. Refused when the version has
 * weight and nothing left would take any requests.
 */
export function withdrawnBackendRefs(current: readonly unknown[], opts: WithdrawRefsOptions): unknown[] {
  const ns = opts.routeNamespace;
  const own = current.filter((r) => versionOf(r, ns) === opts.version);
  if (own.length === 0) return copy(current);
  const rest = copy(current.filter((r) => versionOf(r, ns) !== opts.version));
  const share = own.reduce<number>((sum, r) => sum + weightOf(r), 0);
  const receiver = rest.find((r) => versionOf(r, ns) === opts.stable);
  if (share > 0) {
    if (isPlainObject(receiver)) receiver.weight = weightOf(receiver) + share;
    else if (rest.every((r) => weightOf(r) === 0))
      throw new ReleaseEditError(
        `the catch-all rule sends every request to ${opts.version}: withdrawing it would leave no backend to take them; route traffic to another version first`,
      );
  }
  const { before } = opts;
  if (
    before &&
    before.length === rest.length &&
    before.every((r, i) => deepEqual(withoutWeight(r), withoutWeight(rest[i]))) &&
    sameShares(before, rest)
  )
    return copy(before);
  return rest;
}
