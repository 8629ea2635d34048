// Gateway API backendRef weights are relative (1:1 is 50/50, 9:1 is 90/10; an omitted weight is 1).
// The console shows and edits them as percentages; these functions go between the two and keep the
// operator's own scale where they can.
//
// THE SCALE RULE, for writing a split in percent back as backendRef weights:
//   1. A split whose percentages did not change writes nothing (the raw weights stay as they are).
//   2. Otherwise, when every new percentage is a whole weight in the route's current total (the sum
//      of its raw weights), that total is kept: 9:1 moved to 80/20 writes 8:2, 900:100 writes 800:200.
//   3. Otherwise the percentages in lowest terms: 1:1 moved to 75/25 writes 3:1 (not 75:25: the
//      operator wrote small ratios, and 3:1 reads as one), 1:1 moved to 73/27 writes 73:27.
//   Read back, the written weights show exactly the percentages asked for.
//   The written weights sum to 0 only when every asked percentage is 0 (validateSplit refuses that).

import { normalizeTo100, TOTAL } from './weights.ts';

/** The weight a backendRef takes: its `weight`, else 1 (the spec's default). */
export function effectiveBackendWeight(raw: number | undefined): number {
  return typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? raw : raw === undefined ? 1 : 0;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Raw backendRef weights for a split given in percent. `current` holds each entry's raw weight now
 * (undefined: the field is omitted, so 1; null: a backendRef the split adds). `percent` is the
 * split asked for, whole numbers summing to 100, in the same order. See THE SCALE RULE above.
 */
export function relativeWeightsFor(
  current: ReadonlyArray<number | undefined | null>,
  percent: readonly number[],
): number[] {
  if (current.length !== percent.length)
    throw new Error(`${percent.length} percentages for ${current.length} backendRefs`);
  for (const p of percent)
    if (!Number.isInteger(p) || p < 0 || p > TOTAL)
      throw new Error(`percentage ${p} is not a whole number from 0 to 100`);
  const sum = percent.reduce((a, b) => a + b, 0);
  if (sum === 0) return percent.map(() => 0);
  if (sum !== TOTAL) throw new Error(`percentages sum to ${sum}, not 100`);
  const existing = current.every((c) => c !== null);
  const eff = current.map((c) => (c === null ? 0 : effectiveBackendWeight(c)));
  if (existing) {
    const shown = normalizeTo100(eff);
    if (shown.every((s, i) => s === percent[i])) return eff;
  }
  const scale = eff.reduce((a, b) => a + b, 0);
  if (scale > 0 && percent.every((p) => Number.isInteger((p * scale) / TOTAL)))
    return percent.map((p) => (p * scale) / TOTAL);
  const divisor = percent.reduce((g, p) => gcd(g, p), 0);
  return percent.map((p) => p / divisor);
}

/**
 * How a version's share reads when its weight is relative: "90% (weight 9)". The raw weight is
 * always shown, even when it equals the percentage, so the operator sees which scale the route uses.
 */
export function shareWithRawWeight(percent: number, raw: number | undefined): string {
  return `${percent}% (weight ${effectiveBackendWeight(raw)})`;
}
