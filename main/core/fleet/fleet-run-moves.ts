// The moves of a fleet release: a wave's clusters applied at once through the same apply as
// release.apply (each its own History entry), a hold, the health gate, a roll back of every
// changed cluster (each History entry undone, newest first), and the loop that asks the pure
// decision (shared/fleet decideFleet) what to do next after every move. Each move is sent as
// `fleet.progress`.

import type { FleetRunView } from '../../../shared/api/fleet-schemas.ts';
import type { FleetDecision, FleetRunState, WavePlan } from '../../../shared/fleet/index.ts';
import { decideFleet, wavesApplied } from '../../../shared/fleet/index.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import { applyPlan, applyStoredPlan, planUndo } from '../services/release-changes.ts';
import type { ClusterJudge, GateCluster } from './fleet-gate.ts';
import { judgeWave } from './fleet-gate.ts';
import type { ClusterPreflight } from './fleet-preflight.ts';

/** A reviewed fleet plan, as fleet.apply takes it. */
export interface FleetPlanRecord {
  fleetPlanId: string;
  namespace: string;
  host: string;
  change: string;
  waves: WavePlan;
  holdMs: number;
  gate: boolean;
  clusters: ClusterPreflight[];
}

type ClusterRow = FleetRunView['clusters'][number];

export interface Run {
  view: FleetRunView;
  record: FleetPlanRecord;
  state: FleetRunState;
  /** Wakes a hold or a wait early (a stop). */
  wake?: (() => void) | undefined;
  running: boolean;
}

export interface MoveDeps {
  s: ConsoleServices;
  judge: ClusterJudge;
  /** How long to wait before reading a gate again when it had no data (default 5 s). */
  retryMs?: number;
  /** The shortest window a gate reads (Prometheus needs a few scrapes; default 30 s). */
  minWindowSeconds?: number;
}

export const emitRun = (d: MoveDeps, run: Run) => d.s.emit('fleet.progress', structuredClone(run.view));
export const row = (run: Run, contextId: string): ClusterRow => {
  const r = run.view.clusters.find((c) => c.contextId === contextId);
  if (!r) throw new Error(`fleet run ${run.view.runId}: no cluster ${contextId}`);
  return r;
};

export function sleep(run: Run, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      run.wake = undefined;
      resolve();
    }
    run.wake = done;
  });
}

async function applyCluster(
  m: MoveDeps,
  run: Run,
  wave: number,
  contextId: string,
): Promise<string | undefined> {
  const r = row(run, contextId);
  const pre = run.record.clusters.find((c) => c.contextId === contextId);
  r.state = 'applying';
  try {
    if (!pre?.plan || !pre.stored) throw new Error(`${contextId} has no reviewed plan`);
    // The run's own copy of the reviewed plan, not one looked up by id in the console's store:
    // reviews made while earlier waves held would have evicted it.
    const result = await applyStoredPlan(m.s, pre.stored);
    if (!result.ok) {
      const why =
        result.error?.message ?? result.steps.find((st) => st.message)?.message ?? 'the apply failed';
      throw new Error(why);
    }
    r.state = 'applied';
    if (result.historyId) r.historyId = result.historyId;
    else if (pre.plan.steps.length === 0) r.message = 'nothing to change: it already had this';
    return undefined;
  } catch (err) {
    r.state = 'failed';
    r.message = (err as Error).message;
    return `wave ${wave + 1}: ${contextId} failed: ${r.message}`;
  }
}

async function applyWave(m: MoveDeps, run: Run, d: Extract<FleetDecision, { kind: 'apply-wave' }>) {
  run.view.state = 'running';
  for (const c of d.clusters) row(run, c).state = 'applying';
  emitRun(m, run);
  const failures = await Promise.all(d.clusters.map((c) => applyCluster(m, run, d.wave, c)));
  for (const [i, c] of d.clusters.entries()) {
    const failure = failures[i];
    if (failure === undefined) run.state.applied.push(c);
    else run.state.failure ??= { wave: d.wave, cluster: c, reason: failure };
  }
  run.state.holdStartedAt = Date.now();
  run.view.wavesApplied = wavesApplied(run.record.waves, run.state.applied);
}

async function judge(m: MoveDeps, run: Run, wave: number, clusters: string[]) {
  run.view.state = 'judging';
  emitRun(m, run);
  const gateClusters: GateCluster[] = clusters.flatMap((contextId) => {
    const pre = run.record.clusters.find((c) => c.contextId === contextId);
    return pre?.releaseId && pre.canaryVersion
      ? [{ contextId, releaseId: pre.releaseId, canary: pre.canaryVersion, stable: pre.stableVersion }]
      : [];
  });
  const windowSeconds = Math.max(m.minWindowSeconds ?? 30, Math.ceil(run.record.holdMs / 1000));
  const gate = await judgeWave(wave, gateClusters, windowSeconds, m.judge);
  run.state.gate = gate;
  run.view.gates = [...run.view.gates.filter((g) => g.wave !== wave + 1), { ...gate, wave: wave + 1 }];
  if (gate.status === 'fail') run.state.failure ??= { wave, reason: gate.reason };
  emitRun(m, run);
}

async function rollBack(m: MoveDeps, run: Run, clusters: string[]) {
  run.view.state = 'rolling-back';
  emitRun(m, run);
  const failed: string[] = [];
  for (const contextId of clusters) {
    const r = row(run, contextId);
    r.state = 'rolling-back';
    emitRun(m, run);
    try {
      if (r.historyId) {
        const undo = await planUndo(m.s, r.historyId);
        const result = await applyPlan(m.s, undo.planId);
        if (!result.ok) throw new Error(result.error?.message ?? 'the undo failed');
        if (result.historyId) r.undoHistoryId = result.historyId;
      }
      r.state = 'rolled-back';
      run.state.applied = run.state.applied.filter((c) => c !== contextId);
    } catch (err) {
      r.state = 'failed';
      r.message = `roll back failed: ${(err as Error).message}`;
      failed.push(`${contextId}: ${(err as Error).message}`);
    }
  }
  if (failed.length === 0) run.state.rolledBack = true;
  else {
    // The operator chooses again: roll back the rest once more, or keep them.
    delete run.state.choice;
    run.state.failure = { wave: -1, reason: `roll back failed in ${failed.join('; ')}` };
  }
}

/** Carries out decisions until the run waits for the operator or ends. */
export async function loop(m: MoveDeps, run: Run): Promise<void> {
  if (run.running) return;
  run.running = true;
  try {
    for (;;) {
      const d = decideFleet(run.record.waves, run.state, Date.now(), {
        holdMs: run.record.holdMs,
        gate: run.record.gate,
      });
      delete run.view.holdEndsAt;
      if (d.kind === 'apply-wave') await applyWave(m, run, d);
      else if (d.kind === 'hold') {
        run.view.state = 'holding';
        run.view.holdEndsAt = d.endsAt;
        emitRun(m, run);
        await sleep(run, d.remainingMs);
      } else if (d.kind === 'judge') await judge(m, run, d.wave, d.clusters);
      else if (d.kind === 'wait-for-data') {
        run.view.state = 'waiting-for-data';
        emitRun(m, run);
        await sleep(run, m.retryMs ?? 5000);
        delete run.state.gate;
      } else if (d.kind === 'roll-back') await rollBack(m, run, d.clusters);
      else if (d.kind === 'await-choice') {
        run.view.state = 'stopped';
        run.view.stopReason = d.reason;
        emitRun(m, run);
        return;
      } else {
        run.view.state = d.outcome;
        run.view.finishedAt = Date.now();
        emitRun(m, run);
        return;
      }
    }
  } finally {
    run.running = false;
  }
}
