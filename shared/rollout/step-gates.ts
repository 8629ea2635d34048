// A weight step's gates over its hold: enough requests to judge, the canary's success rate against
// stable's, its p95 latency against stable's. Each result carries its figures and one sentence, so
// a stopped release says which gate failed and by how much.

import type { VersionWindowStats } from '../metrics/health-verdict.ts';
import { p95Ms, significantlyMoreFailures, successRatePercent } from '../metrics/health-verdict.ts';
import type { GateThresholds } from './step-plan.ts';

/** The two versions' traffic over the judged window (counts, not rates), as Prometheus had it. */
export interface GateFigures {
  canary: VersionWindowStats;
  stable: VersionWindowStats;
  windowSeconds: number;
  /**
   * A mirror step's figures: the canary's are its sidecar's (reporter="destination"), which count
   * the copies mirrored to it plus whatever share of the split it has (`canaryWeight`, usually 0).
   */
  mirror?: { canaryWeight: number };
  /** Requests to the release's hosts that reached no version in the window (see VerdictInput). */
  undelivered?: number;
}

export type GateName = 'requests' | 'success-rate' | 'p95-latency';

export interface GateResult {
  gate: GateName;
  /** `no-data`: not judged (too few requests, no latency figures); never a pass. */
  status: 'pass' | 'fail' | 'no-data';
  /** The canary's figure: requests, success rate in percent, p95 in ms (null: none). */
  canary: number | null;
  stable: number | null;
  /** The threshold it was held to: least requests, most points lower, most times slower. */
  limit: number;
  text: string;
}

const pct = (v: number) => `${v >= 99.95 && v < 100 ? v.toFixed(2) : v.toFixed(1)}%`;
const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
const num = (v: number) => String(Number(v.toFixed(2)));

/** Where a mirror step's canary requests come from, in words (empty for a weight step). */
function mirroredNote(f: GateFigures): string {
  if (!f.mirror) return '';
  const w = f.mirror.canaryWeight;
  return w > 0
    ? ` (reporter="destination": the copies mirrored to it plus its own ${w}% share)`
    : ' (reporter="destination": at 0% weight, exactly the copies mirrored to it)';
}

function requestsGate(f: GateFigures, t: GateThresholds): GateResult {
  const c = Math.round(f.canary.requests);
  const s = Math.round(f.stable.requests);
  const enough = c >= t.minRequests && s >= t.minRequests;
  const to = f.mirror
    ? `mirrored request(s) to ${f.canary.version}${mirroredNote(f)}`
    : `request(s) to ${f.canary.version}`;
  return {
    gate: 'requests',
    status: enough ? 'pass' : 'no-data',
    canary: c,
    stable: s,
    limit: t.minRequests,
    text: `${c} ${to} and ${s} to ${f.stable.version} in ${f.windowSeconds} s${
      enough ? '' : `: at least ${t.minRequests} each are needed to judge`
    }`,
  };
}

function successGate(f: GateFigures, t: GateThresholds, judged: boolean): GateResult {
  const c = successRatePercent(f.canary);
  const s = successRatePercent(f.stable);
  const base = { gate: 'success-rate' as const, canary: c, stable: s, limit: t.maxSuccessRateDropPoints };
  const lost = Math.round(f.undelivered ?? 0);
  // Whatever the versions' own figures say: requests are being lost (a subset with no ready pods).
  if (lost > 0)
    return {
      ...base,
      status: 'fail',
      text: `${lost} request(s) reached no version in ${f.windowSeconds} s: the mesh answered them itself (a subset with no ready pods, or none defined)`,
    };
  if (!judged || c === null || s === null)
    return { ...base, status: 'no-data', text: 'success rate: not enough requests to judge yet' };
  const drop = s - c;
  const over = drop > t.maxSuccessRateDropPoints;
  // A drop over the limit fails only when it is more than chance: one failure more in 100 requests
  // is a point, and a healthy canary must not be rolled back for it (the verdict's z-test).
  const fail = over && significantlyMoreFailures(f.canary, f.stable);
  const vs = `${f.mirror ? 'mirrored ' : ''}success rate ${pct(c)} vs stable ${pct(s)}`;
  return {
    ...base,
    status: fail ? 'fail' : 'pass',
    text: fail
      ? `${vs}: ${drop.toFixed(1)} points lower, more than the ${num(t.maxSuccessRateDropPoints)} allowed`
      : over
        ? `${vs}: ${drop.toFixed(1)} points lower, but within chance over ${f.canary.requests} requests`
        : `${vs} (at most ${num(t.maxSuccessRateDropPoints)} points lower allowed)`,
  };
}

function latencyGate(f: GateFigures, t: GateThresholds, judged: boolean): GateResult {
  const c = p95Ms(f.canary);
  const s = p95Ms(f.stable);
  const base = { gate: 'p95-latency' as const, canary: c, stable: s, limit: t.maxP95Ratio };
  if (!judged) return { ...base, status: 'no-data', text: 'p95 latency: not enough requests to judge yet' };
  if (c === null || s === null || s <= 0)
    return { ...base, status: 'no-data', text: 'p95 latency: no latency figures for both versions yet' };
  const ratio = c / s;
  const fail = c > s * t.maxP95Ratio;
  const vs = `${f.mirror ? 'mirrored ' : ''}p95 ${ms(c)} vs stable ${ms(s)}`;
  return {
    ...base,
    status: fail ? 'fail' : 'pass',
    text: fail
      ? `${vs}: ${ratio.toFixed(2)}× stable, above the ${num(t.maxP95Ratio)}× allowed`
      : `${vs} (at most ${num(t.maxP95Ratio)}× allowed)`,
  };
}

/** The gates of one weight or mirror step over `figures`: requests first, then success rate and p95. */
export function evaluateGates(f: GateFigures, t: GateThresholds): GateResult[] {
  const requests = requestsGate(f, t);
  const judged = requests.status === 'pass';
  return [requests, successGate(f, t, judged), latencyGate(f, t, judged)];
}
