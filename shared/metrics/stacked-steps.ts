import type { VersionSeries } from '../api/metrics-schemas.ts';

/** Every version's values on one shared list of steps. */
export interface AlignedSteps {
  /** The union of all versions' steps, ascending, each once. */
  t: number[];
  lines: Array<{ version: string; values: Array<number | null> }>;
}

/**
 * Puts every version on the same steps. Stacked charts add up by position, not by time, so a
 * version that appeared or disappeared mid-window (shorter arrays) would otherwise be added to
 * the wrong steps of the others. A step a version has no value for gets `missing`: 0 for
 * requests per second (no requests), null for rates and latencies (nothing to measure).
 */
export function alignSteps(
  series: readonly VersionSeries[],
  pick: (s: VersionSeries) => ReadonlyArray<number | null>,
  missing: number | null,
): AlignedSteps {
  const t = [...new Set(series.flatMap((s) => s.t))].sort((a, b) => a - b);
  const lines = series.map((s) => {
    const values = pick(s);
    const at = new Map<number, number | null>();
    s.t.forEach((time, i) => {
      const v = values[i];
      at.set(time, v === undefined || (v !== null && !Number.isFinite(v)) ? missing : v);
    });
    return { version: s.version, values: t.map((time) => (at.has(time) ? (at.get(time) ?? null) : missing)) };
  });
  return { t, lines };
}

/** Per step, the sum of every version's value (nulls count as nothing): the top of the stack. */
export function stackTotals(aligned: AlignedSteps): number[] {
  return aligned.t.map((_, i) => aligned.lines.reduce((sum, line) => sum + (line.values[i] ?? 0), 0));
}
