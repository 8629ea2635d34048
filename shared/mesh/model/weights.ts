// Weight math for a traffic split over N versions. Every function is pure, keeps the order of the
// versions it is given, and returns whole numbers that sum to exactly 100.
//
// THE REDISTRIBUTION RULE — the one rule a slider's keys, a drag and a typed value all follow:
//   1. The version you move gets the value you ask for, rounded to a whole percent.
//   2. The difference is taken from (or given to) the other versions that can take it — neither
//      locked nor unable to take traffic — in proportion to what they hold now (evenly when they
//      all hold 0), rounded by largest remainder so the split always sums to 100.
//   3. A locked version keeps its weight. A version that cannot take traffic (not declared as a
//      subset / backend, or no pods) is left out: it is never given weight, it keeps what it holds
//      when others move, and its own weight can only go down.
//   4. When the others cannot absorb the asked value, it is clamped to the nearest possible one and
//      the result says why.
// SPLIT_RULE below says the same in the words the UI shows.

/** The redistribution rule in the words the split editor's help shows (kept with the code it describes). */
export const SPLIT_RULE =
  'Moving one version (slider, arrow keys or a typed value) gives it that weight; the difference comes ' +
  'from, or goes to, the other versions that are neither locked nor unable to take traffic, in ' +
  'proportion to what they hold now (evenly when they all hold 0), so the split always adds up to ' +
  '100%. Locked versions keep their weight. A version that cannot take traffic (not declared, or no ' +
  'pods) never receives weight: it keeps what it holds when others move, and can only be lowered.';

/** One version's share of a split: `weight`, in whole percent. */
export interface VersionShare {
  version: string;
  weight: number;
}

/**
 * Traffic over versions, in whole percent summing to 100, in destination order. The same shape
 * and the same name, `weight`, from the slider (VersionWeight adds the slider's locks) through the
 * contract's DesiredReleaseInput, the DesiredRelease and the plan, to the `weight` of the patch.
 */
export type TrafficSplit = VersionShare[];

export interface VersionWeight extends VersionShare {
  /** A locked version keeps its weight when another version moves. */
  locked?: boolean;
  /**
   * Why the version cannot take traffic (not declared, no pods); absent when it can. Such a version
   * is never given weight and is left out of every redistribution (see the rule above).
   */
  blocked?: string;
}

/** What says whether a version can take traffic: as the console shows a version. */
export interface VersionRoutability {
  declared: boolean;
  podsTotal: number;
  /** Pods cannot be known here (an offline snapshot, a draft): do not hold missing pods against it. */
  podsUnknown?: boolean | undefined;
  /** Gateway API: each version is its own Service; Istio: a DestinationRule subset. */
  flavor?: 'istio' | 'gateway-api';
}

/** Why a version cannot take traffic, in words; undefined when it can. */
export function blockedReason(v: VersionRoutability): string | undefined {
  if (!v.declared)
    return v.flavor === 'gateway-api'
      ? 'cannot take traffic: its backend Service is not declared'
      : 'cannot take traffic: not declared as a subset in the DestinationRule';
  if (!v.podsUnknown && v.podsTotal === 0) return 'cannot take traffic: no pods are running';
  return undefined;
}

export interface SplitChange {
  weights: VersionWeight[];
  /** True when the asked value could not be honoured (locks, or a locked target) and was clamped. */
  clamped: boolean;
  /** The value that was asked for and the value that was applied (same unless clamped). */
  requested: number;
  applied: number;
  /** Why the asked value was not applied; absent when it was. */
  message?: string;
}

export interface SplitError {
  /** Index in the list, or null for a finding about the whole split. */
  index: number | null;
  version?: string;
  message: string;
}

export const TOTAL = 100;

/**
 * Rounds non-negative shares to whole numbers that sum to `total` (Hamilton / largest remainder):
 * floor every share, then hand the missing units to the largest fractional parts, ties to the
 * earlier position, so the result only depends on the input.
 */
export function largestRemainder(shares: readonly number[], total: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (shares.length === 0) return [];
  if (sum <= 0) return shares.map(() => 0);
  const exact = shares.map((s) => (s / sum) * total);
  const floors = exact.map((x) => Math.floor(x + 1e-9));
  let missing = total - floors.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x + 1e-9) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; missing > 0 && order.length > 0; k = (k + 1) % order.length, missing--) {
    const slot = order[k];
    if (slot) floors[slot.i] = (floors[slot.i] ?? 0) + 1;
  }
  return floors;
}

/** Spreads `total` evenly over `count` slots; the first slots get the leftover units. */
function evenShares(count: number, total: number): number[] {
  const base = Math.floor(total / count);
  const extra = total - base * count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Proportional weights (Gateway API backendRefs 1 and 3, or Istio weights that do not add up) as
 * percentages: 1,3 → 25,75. All zero stays all zero: nothing receives traffic.
 */
export function normalizeTo100(weights: readonly number[]): number[] {
  return largestRemainder(
    weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0)),
    TOTAL,
  );
}

/** Istio: a lone destination takes everything whatever its weight; among several, an omitted weight is 0. */
export function istioDestinationWeights(route: ReadonlyArray<{ weight?: number }>): number[] {
  if (route.length === 1) return [TOTAL];
  return normalizeTo100(route.map((d) => (typeof d.weight === 'number' ? d.weight : 0)));
}

/** Gateway API: an omitted backendRef weight is 1 (the spec's default). */
export function gatewayBackendWeights(refs: ReadonlyArray<{ weight?: number }>): number[] {
  return normalizeTo100(refs.map((r) => (typeof r.weight === 'number' ? r.weight : 1)));
}

/** Specific errors for a split that is about to be written; empty when it is valid. */
export function validateSplit(split: Readonly<TrafficSplit>): SplitError[] {
  const errors: SplitError[] = [];
  if (split.length === 0) return [{ index: null, message: 'the split has no versions' }];
  const seen = new Set<string>();
  split.forEach((v, index) => {
    const who = `weight of ${v.version}`;
    if (seen.has(v.version))
      errors.push({ index, version: v.version, message: `version ${v.version} appears more than once` });
    seen.add(v.version);
    if (typeof v.weight !== 'number' || !Number.isFinite(v.weight))
      errors.push({ index, version: v.version, message: `${who} is not a number` });
    else if (v.weight < 0)
      errors.push({
        index,
        version: v.version,
        message: `${who} is ${v.weight}: weights cannot be negative`,
      });
    else if (!Number.isInteger(v.weight))
      errors.push({
        index,
        version: v.version,
        message: `${who} is ${v.weight}: weights must be whole numbers`,
      });
    else if (v.weight > TOTAL)
      errors.push({ index, version: v.version, message: `${who} is ${v.weight}: at most 100` });
  });
  if (errors.length > 0) return errors;
  const sum = split.reduce((a, v) => a + v.weight, 0);
  if (sum === 0) errors.push({ index: null, message: 'all weights are 0: no version would receive traffic' });
  else if (sum !== TOTAL) errors.push({ index: null, message: `weights sum to ${sum}, not 100` });
  return errors;
}

function assertUsable(split: readonly VersionWeight[]): void {
  const seen = new Set<string>();
  for (const v of split) {
    if (seen.has(v.version)) throw new Error(`version ${v.version} appears more than once in the split`);
    seen.add(v.version);
    if (!Number.isFinite(v.weight) || v.weight < 0)
      throw new Error(`weight of ${v.version} is ${v.weight}: weights must be finite and not negative`);
  }
  const locked = lockedSum(split, -1);
  if (locked > TOTAL) throw new Error(`locked versions already hold ${locked}%, more than 100`);
}

function lockedSum(split: readonly VersionWeight[], except: number): number {
  return split.reduce((a, v, i) => (i !== except && v.locked ? a + v.weight : a), 0);
}

function copy(split: readonly VersionWeight[]): VersionWeight[] {
  // Explicit fields, not a spread: the slider calls this on every drag event.
  return split.map((v) => {
    const out: VersionWeight = { version: v.version, weight: v.weight };
    if (v.locked !== undefined) out.locked = v.locked;
    if (v.blocked !== undefined) out.blocked = v.blocked;
    return out;
  });
}

/** Locked and blocked versions both keep their weight when another version moves. */
const held = (v: VersionWeight) => v.locked === true || v.blocked !== undefined;

function heldSum(split: readonly VersionWeight[], except: number): number {
  return split.reduce((a, v, i) => (i !== except && held(v) ? a + v.weight : a), 0);
}

/** Who holds the weight the others cannot touch, for a clamping message. */
function holders(split: readonly VersionWeight[], except: number): string {
  const others = split.filter((_, i) => i !== except);
  const locked = others.some((v) => v.locked && v.weight > 0);
  const blocked = others.some((v) => !v.locked && v.blocked !== undefined && v.weight > 0);
  if (locked && blocked) return 'locked versions and versions that cannot take traffic hold';
  return blocked ? 'versions that cannot take traffic hold' : 'locked versions hold';
}

/**
 * Gives `version` the asked weight and rebalances the others by the redistribution rule (top of
 * this file): the others that are neither locked nor blocked move in proportion to their current
 * shares (evenly when they are all 0). When that makes the value impossible it is clamped to the
 * nearest possible one and the result says so.
 */
export function setWeight(split: readonly VersionWeight[], version: string, value: number): SplitChange {
  assertUsable(split);
  const target = split.findIndex((v) => v.version === version);
  if (target === -1) throw new Error(`unknown version '${version}' (the split has ${names(split)})`);
  if (!Number.isFinite(value)) throw new Error(`weight for ${version} must be a number, not ${value}`);
  const requested = value;
  const current = split[target]!;
  if (current.locked) {
    return {
      weights: copy(split),
      clamped: current.weight !== requested,
      requested,
      applied: current.weight,
      ...(current.weight !== requested ? { message: `${version} is locked at ${current.weight}%` } : {}),
    };
  }
  const others = split.map((_, i) => i).filter((i) => i !== target && !held(split[i]!));
  const available = TOTAL - heldSum(split, target);
  const min = others.length === 0 ? available : 0;
  // A version that cannot take traffic may give weight away, never gain it.
  const max = current.blocked !== undefined ? Math.min(available, current.weight) : available;
  const rounded = Math.round(value);
  // When nothing else can absorb the rest, the floor wins: the split must still sum to 100.
  const applied = Math.max(min, Math.min(max, rounded));
  const out = copy(split);
  out[target]!.weight = applied;
  const rest = available - applied;
  const currentShares = others.map((i) => Math.max(0, split[i]!.weight));
  const spread = currentShares.some((s) => s > 0)
    ? largestRemainder(currentShares, rest)
    : evenShares(others.length, rest);
  others.forEach((i, k) => {
    out[i]!.weight = spread[k] ?? 0;
  });
  const clamped = applied !== requested;
  let message: string | undefined;
  if (applied !== rounded) {
    if (applied < rounded && current.blocked !== undefined && applied === current.weight)
      message = `${version} ${current.blocked}: its weight can only go down`;
    else if (applied < rounded)
      message = `${version} can take at most ${applied}%: ${holders(split, target)} ${TOTAL - available}%`;
    else if (split.every((v, i) => i === target || v.locked))
      message = `${version} must take ${applied}%: every other version is locked`;
    else message = `${version} must take ${applied}%: no other version can take the rest`;
  } else if (rounded !== requested) message = `weights are whole numbers: ${requested} became ${applied}`;
  return { weights: out, clamped, requested, applied, ...(message ? { message } : {}) };
}

/** Locks or unlocks one version; its weight does not change. */
export function setLocked(
  split: readonly VersionWeight[],
  version: string,
  locked: boolean,
): VersionWeight[] {
  if (!split.some((v) => v.version === version))
    throw new Error(`unknown version '${version}' (the split has ${names(split)})`);
  return split.map((v) => (v.version === version ? { ...v, locked } : { ...v }));
}

/**
 * Shares what the locked and blocked versions hold evenly among the others (earlier versions get the
 * leftover units): the same rule as a move, so a version that cannot take traffic gets nothing.
 */
export function evenSplit(split: readonly VersionWeight[]): VersionWeight[] {
  assertUsable(split);
  const unlocked = split.map((_, i) => i).filter((i) => !held(split[i]!));
  const out = copy(split);
  if (unlocked.length === 0) return out;
  const shares = evenShares(unlocked.length, TOTAL - heldSum(split, -1));
  unlocked.forEach((i, k) => {
    out[i]!.weight = shares[k] ?? 0;
  });
  return out;
}

/**
 * Slider math for a cut-over: one version's weight becomes 100, every other 0. This is the
 * operator's explicit decision to finish a release, so it releases locks instead of refusing;
 * `released` names them.
 *
 * "One version takes everything" has three names, one per level, from the narrowest:
 * - allWeightTo (here): the weights of a split, as the slider edits them;
 * - setCatchAllTo (plan/release-edits.ts): a release's catch-all route, content rules untouched;
 * - routeAllTrafficTo (plan/all-traffic.ts): every request of a release, rules disabled,
 *   retargeted or kept as the operator says ("Switch all traffic", "Roll back").
 */
export function allWeightTo(
  split: readonly VersionWeight[],
  version: string,
): { weights: VersionWeight[]; released: string[] } {
  if (!split.some((v) => v.version === version))
    throw new Error(`unknown version '${version}' (the split has ${names(split)})`);
  const released = split.filter((v) => v.locked && v.version !== version).map((v) => v.version);
  const weights = split.map((v) => {
    const { locked: _locked, ...rest } = v;
    return { ...rest, weight: v.version === version ? TOTAL : 0 };
  });
  return { weights, released };
}

function names(split: readonly VersionWeight[]): string {
  return split.length === 0 ? 'no versions' : split.map((v) => v.version).join(', ');
}
