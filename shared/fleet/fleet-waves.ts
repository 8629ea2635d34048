// A fleet release in waves: which clusters take the change and in which wave (the canary cluster
// alone first, then the rest in batches of at most the limit), which are skipped and why, and what
// a running fleet release does next. Pure: main preflights the clusters, applies, holds, reads the
// gate and records what happened; every path here is a unit test.

/** What a cluster's preflight found before anything is applied. */
export type PreflightOutcome =
  | { kind: 'ready' }
  | { kind: 'service-missing'; host: string }
  | { kind: 'version-missing'; versions: string[] }
  | { kind: 'read-only'; reason: string }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'conflict'; reason: string };

export type SkipKind = Exclude<PreflightOutcome['kind'], 'ready'>;

export interface SkippedCluster {
  cluster: string;
  kind: SkipKind;
  /** One sentence for the review dialog. */
  reason: string;
}

export interface WavePlanInput {
  /** The fleet's clusters (kubeconfig contexts), in the operator's order. */
  clusters: readonly string[];
  /** The cluster changed first, alone. */
  canary: string;
  /** At most this many clusters are changed in one wave after the canary's. */
  maxParallel: number;
  /** Every cluster's preflight outcome. */
  preflight: Readonly<Record<string, PreflightOutcome>>;
}

export interface WavePlan {
  /** Wave 1 is the canary alone; the rest follow in the clusters' order. */
  waves: string[][];
  skipped: SkippedCluster[];
}

export class FleetPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetPlanError';
  }
}

/** Why a cluster cannot take the change, in words. */
export function skipReason(cluster: string, outcome: Exclude<PreflightOutcome, { kind: 'ready' }>): string {
  switch (outcome.kind) {
    case 'service-missing':
      return `${cluster} has no service ${outcome.host}`;
    case 'version-missing':
      return `${cluster} lacks version ${outcome.versions.join(', ')}`;
    case 'read-only':
      return `${cluster} is read-only: ${outcome.reason}`;
    case 'unreachable':
      return `${cluster} is unreachable: ${outcome.reason}`;
    case 'conflict':
      return `${cluster} has a conflicting live change: ${outcome.reason}`;
  }
}

/** The waves of a fleet release; throws a FleetPlanError on input no plan can be made from. */
export function planWaves(input: WavePlanInput): WavePlan {
  const { clusters, canary, maxParallel, preflight } = input;
  if (clusters.length === 0) throw new FleetPlanError('a fleet release needs at least one cluster');
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c)) throw new FleetPlanError(`cluster '${c}' is listed twice`);
    seen.add(c);
    if (!preflight[c]) throw new FleetPlanError(`cluster '${c}' has no preflight outcome`);
  }
  if (!Number.isInteger(maxParallel) || maxParallel < 1) {
    throw new FleetPlanError(
      `the limit of clusters changed at once must be a whole number of at least 1, got ${maxParallel}`,
    );
  }
  if (!seen.has(canary)) throw new FleetPlanError(`the canary cluster '${canary}' is not in the fleet`);
  const canaryOutcome = preflight[canary];
  if (canaryOutcome && canaryOutcome.kind !== 'ready') {
    throw new FleetPlanError(
      `the canary cluster cannot take the change (${skipReason(canary, canaryOutcome)}); pick another canary`,
    );
  }
  const skipped: SkippedCluster[] = [];
  const rest: string[] = [];
  for (const c of clusters) {
    const outcome = preflight[c] as PreflightOutcome;
    if (outcome.kind !== 'ready')
      skipped.push({ cluster: c, kind: outcome.kind, reason: skipReason(c, outcome) });
    else if (c !== canary) rest.push(c);
  }
  const waves: string[][] = [[canary]];
  for (let i = 0; i < rest.length; i += maxParallel) waves.push(rest.slice(i, i + maxParallel));
  return { waves, skipped };
}

/** The health gate's outcome over a wave's hold (main reads it with the release plan's gates). */
export interface WaveGateOutcome {
  /** The wave judged (0-based). */
  wave: number;
  status: 'pass' | 'fail' | 'no-data';
  /** One sentence: which gate failed and by how much, or why there is no data. */
  reason: string;
}

/** What has happened so far in a running fleet release. */
export interface FleetRunState {
  /** Clusters whose change applied, in the order they were applied. */
  applied: string[];
  /** The first failure (a cluster's apply, or a gate); nothing starts after it. */
  failure?: { wave: number; cluster?: string; reason: string };
  /** The operator stopped the waves. */
  stopped?: { reason: string };
  /** When the last wave finished applying (its hold begins), ms since the epoch. */
  holdStartedAt?: number;
  /** The gate's outcome for the last applied wave, once read. */
  gate?: WaveGateOutcome;
  /** After a stop: the operator's choice. */
  choice?: 'roll-back-all' | 'keep';
  /** Roll back all has restored the changed clusters. */
  rolledBack?: boolean;
}

export interface FleetRunOptions {
  /** The hold after each wave but the last, in ms (0: judge at once). */
  holdMs: number;
  /** Whether a health gate judges each wave after its hold; without one, the hold alone separates waves. */
  gate: boolean;
}

export type FleetDecision =
  | { kind: 'apply-wave'; wave: number; clusters: string[] }
  | { kind: 'hold'; wave: number; remainingMs: number; endsAt: number }
  | { kind: 'judge'; wave: number; clusters: string[] }
  | { kind: 'wait-for-data'; wave: number; reason: string }
  | { kind: 'await-choice'; reason: string; changed: string[] }
  | { kind: 'roll-back'; clusters: string[] }
  | { kind: 'finished'; outcome: 'completed' | 'kept' | 'rolled-back' };

/** How many waves are wholly applied (every cluster of them in `applied`). */
export function wavesApplied(plan: WavePlan, applied: readonly string[]): number {
  const done = new Set(applied);
  let n = 0;
  while (n < plan.waves.length && (plan.waves[n] ?? []).every((c) => done.has(c))) n++;
  return n;
}

/** What a running fleet release does next. */
export function decideFleet(
  plan: WavePlan,
  state: FleetRunState,
  now: number,
  options: FleetRunOptions,
): FleetDecision {
  if (state.choice === 'keep') return { kind: 'finished', outcome: 'kept' };
  if (state.choice === 'roll-back-all') {
    return state.rolledBack
      ? { kind: 'finished', outcome: 'rolled-back' }
      : { kind: 'roll-back', clusters: [...state.applied].reverse() };
  }
  const stopReason = state.failure?.reason ?? state.stopped?.reason;
  if (stopReason !== undefined)
    return { kind: 'await-choice', reason: stopReason, changed: [...state.applied] };
  const done = wavesApplied(plan, state.applied);
  if (done === plan.waves.length) return { kind: 'finished', outcome: 'completed' };
  if (done === 0) return { kind: 'apply-wave', wave: 0, clusters: [...(plan.waves[0] ?? [])] };
  const last = done - 1;
  const started = state.holdStartedAt ?? now;
  const endsAt = started + options.holdMs;
  if (now < endsAt) return { kind: 'hold', wave: last, remainingMs: endsAt - now, endsAt };
  if (options.gate) {
    const gate = state.gate?.wave === last ? state.gate : undefined;
    if (!gate) return { kind: 'judge', wave: last, clusters: [...(plan.waves[last] ?? [])] };
    if (gate.status === 'fail')
      return { kind: 'await-choice', reason: gate.reason, changed: [...state.applied] };
    if (gate.status === 'no-data') return { kind: 'wait-for-data', wave: last, reason: gate.reason };
  }
  return { kind: 'apply-wave', wave: done, clusters: [...(plan.waves[done] ?? [])] };
}
