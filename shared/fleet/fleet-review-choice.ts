// The fleet review dialog's choices, checked before anything is sent: the change (a split of the
// catch-all, or a cut-over to one version), the canary cluster, the limit on clusters changed at
// once and the hold. A bad choice answers with the one sentence the dialog shows; nothing is planned.
// Pure: structural types only (the contract's FleetPlanInput has this shape).

export type FleetChangeChoice =
  | { kind: 'split'; split: ReadonlyArray<{ version: string; weight: number }> }
  | { kind: 'cutover'; version: string }
  | { kind: 'draft'; draftId: string };

export interface FleetWaveChoice {
  contexts: readonly string[];
  /** Empty: main picks the first context that can take the change. */
  canary: string;
  maxParallel: number;
  holdSeconds: number;
  gate: boolean;
}

export interface FleetPlanRequest {
  contexts: string[];
  namespace: string;
  host: string;
  change:
    | { kind: 'split'; split: Array<{ version: string; weight: number }> }
    | { kind: 'cutover'; version: string }
    | { kind: 'draft'; draftId: string };
  canary?: string;
  maxParallel: number;
  holdSeconds: number;
  gate: boolean;
}

export const FLEET_REVIEW_LIMITS = { maxClusters: 20, maxHoldSeconds: 3600 } as const;

type Checked = { ok: true; request: FleetPlanRequest } | { ok: false; error: string };

function checkChange(change: FleetChangeChoice): string | undefined {
  if (change.kind === 'draft') return change.draftId.trim() ? undefined : 'choose the draft to apply';
  if (change.kind === 'cutover')
    return change.version.trim() ? undefined : 'choose the version every cluster is cut over to';
  if (change.split.length === 0) return 'the split names no version';
  const seen = new Set<string>();
  for (const s of change.split) {
    if (!s.version.trim()) return 'a version of the split has no name';
    if (seen.has(s.version)) return `version ${s.version} is in the split twice`;
    seen.add(s.version);
    if (!Number.isInteger(s.weight) || s.weight < 0 || s.weight > 100)
      return `the weight of ${s.version} must be a whole number from 0 to 100, not ${s.weight}`;
  }
  const sum = change.split.reduce((n, s) => n + s.weight, 0);
  return sum === 100 ? undefined : `the split's weights add up to ${sum}%, not 100%`;
}

function checkWaves(w: FleetWaveChoice): string | undefined {
  if (w.contexts.length === 0) return 'the fleet has no cluster: pick at least one context';
  if (w.contexts.length > FLEET_REVIEW_LIMITS.maxClusters)
    return `a fleet has at most ${FLEET_REVIEW_LIMITS.maxClusters} clusters, not ${w.contexts.length}`;
  if (new Set(w.contexts).size !== w.contexts.length) return 'a context is in the fleet twice';
  if (w.canary && !w.contexts.includes(w.canary))
    return `the canary cluster ${w.canary} is not one of the fleet's clusters`;
  if (!Number.isInteger(w.maxParallel) || w.maxParallel < 1 || w.maxParallel > w.contexts.length)
    return `clusters changed at once must be a whole number from 1 to ${w.contexts.length}, not ${w.maxParallel}`;
  if (
    !Number.isInteger(w.holdSeconds) ||
    w.holdSeconds < 0 ||
    w.holdSeconds > FLEET_REVIEW_LIMITS.maxHoldSeconds
  )
    return `the hold must be a whole number of seconds from 0 to ${FLEET_REVIEW_LIMITS.maxHoldSeconds}, not ${w.holdSeconds}`;
  return undefined;
}

/** The fleet.plan request for these choices, or the first thing wrong with them in words. */
export function fleetPlanRequest(
  target: { namespace: string; host: string },
  change: FleetChangeChoice,
  waves: FleetWaveChoice,
): Checked {
  const error = checkChange(change) ?? checkWaves(waves);
  if (error) return { ok: false, error };
  return {
    ok: true,
    request: {
      contexts: [...waves.contexts],
      namespace: target.namespace,
      host: target.host,
      change:
        change.kind === 'draft'
          ? { kind: 'draft', draftId: change.draftId }
          : change.kind === 'cutover'
            ? { kind: 'cutover', version: change.version }
            : { kind: 'split', split: change.split.map((s) => ({ version: s.version, weight: s.weight })) },
      ...(waves.canary ? { canary: waves.canary } : {}),
      maxParallel: waves.maxParallel,
      holdSeconds: waves.holdSeconds,
      gate: waves.gate,
    },
  };
}

/** The contexts a fleet uses ad hoc: every one the console is connected to (read-only included: the review shows it skipped). */
export function connectedContexts(contexts: ReadonlyArray<{ id: string; status: string }>): string[] {
  return contexts.filter((c) => c.status === 'connected' || c.status === 'read-only').map((c) => c.id);
}

/** A fleet run in one sentence, for the dialog's live region. */
export function fleetRunWords(
  run: {
    state: string;
    waves: ReadonlyArray<ReadonlyArray<string>>;
    wavesApplied: number;
    holdEndsAt?: number | undefined;
    stopReason?: string | undefined;
  },
  now: number,
): string {
  const of = `${run.wavesApplied} of ${run.waves.length} waves applied`;
  switch (run.state) {
    case 'holding': {
      const left = run.holdEndsAt === undefined ? 0 : Math.max(0, Math.ceil((run.holdEndsAt - now) / 1000));
      return `${of}; holding ${left} s before the next wave`;
    }
    case 'judging':
      return `${of}; judging wave ${run.wavesApplied} by the health gate`;
    case 'waiting-for-data':
      return `${of}; waiting for enough traffic to judge wave ${run.wavesApplied}`;
    case 'stopped':
      return `Stopped after ${of}: ${run.stopReason ?? 'stopped by the operator'}. Roll back all or keep the changed clusters.`;
    case 'rolling-back':
      return 'Rolling back every changed cluster…';
    case 'completed':
      return `Completed: all ${run.waves.length} waves applied`;
    case 'kept':
      return `Ended: the changed clusters were kept as they are (${of})`;
    case 'rolled-back':
      return 'Rolled back: every changed cluster is as it was';
    default:
      return `${of}; applying wave ${Math.min(run.wavesApplied + 1, run.waves.length)}`;
  }
}
