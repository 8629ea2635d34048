/**
 * Picks an entry by weight: `pick(random)` maps a uniform number in [0, 1) to the index whose
 * cumulative share it falls in. Zero-weight entries are never picked (their bound equals the one
 * before). Undefined when the weights add up to nothing.
 */
export function weightedPicker(weights: readonly number[]): ((random: number) => number) | undefined {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) {
    total += w;
    cumulative.push(total);
  }
  if (total <= 0) return undefined;
  return (random) => {
    const x = Math.min(Math.max(random, 0), 0.999999999999) * total;
    let k = 0;
    while (k < cumulative.length - 1 && x >= (cumulative[k] as number)) k++;
    return k;
  };
}
