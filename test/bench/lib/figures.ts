// What every benchmark prints: its figures, each with its goal, whether the goal is met, the load
// average of the machine while it was measured and, where a peer exists (kubectl), the peer measured
// side by side in the same run. `npm run bench` (scripts/bench-all.mjs) collects the `figures` of
// every benchmark's JSON into one table.
import { loadavg } from 'node:os';

export interface Figure {
  /** What was measured, in words ("click → confirmed on screen, median"). */
  figure: string;
  value: number;
  unit: 'ms' | 'MB' | 'KB' | 'count';
  /** The goal: the value must stay under it. */
  goal: number;
  met: boolean;
  /** The 1-minute load average when the figure was taken (2 cores here: above 2 means queueing). */
  loadAvg1m: number;
  peer?: { name: string; value: number; ratio: number; goalRatio?: number; met?: boolean };
  note?: string;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

export function load1m(): number {
  return round1(loadavg()[0] ?? 0);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] ?? Number.NaN;
}

/** A figure whose value must stay under `goal`; `peer` adds a ratio (value / peer). */
export function figure(
  name: string,
  value: number,
  unit: Figure['unit'],
  goal: number,
  extra: {
    peer?: { name: string; value: number; goalRatio?: number };
    note?: string;
    loadAvg1m?: number;
  } = {},
): Figure {
  const out: Figure = {
    figure: name,
    value: round1(value),
    unit,
    goal,
    met: value < goal,
    loadAvg1m: extra.loadAvg1m ?? load1m(),
  };
  if (extra.peer) {
    const ratio = Math.round((value / extra.peer.value) * 100) / 100;
    const { goalRatio } = extra.peer;
    out.peer = {
      name: extra.peer.name,
      value: round1(extra.peer.value),
      ratio,
      ...(goalRatio !== undefined ? { goalRatio, met: ratio <= goalRatio } : {}),
    };
    if (goalRatio !== undefined && ratio > goalRatio) out.met = false;
  }
  if (extra.note) out.note = extra.note;
  return out;
}

/** Prints the benchmark's JSON (one object, `figures` first-class) and sets the exit code. */
export function report(benchmark: string, figures: Figure[], details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ benchmark, figures, ...details }, null, 2));
  process.exitCode = figures.every((f) => f.met) ? 0 : 1;
}
