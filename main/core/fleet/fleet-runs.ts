// The fleet releases under way: started from a reviewed fleet plan, looked up, stopped, and after
// a stop the operator's choice, roll back all or keep (the moves are in fleet-run-moves.ts).

import { randomBytes } from 'node:crypto';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { FleetRunView } from '../../../shared/api/fleet-schemas.ts';
import type { FleetPlanRecord, MoveDeps, Run } from './fleet-run-moves.ts';
import { emitRun, loop } from './fleet-run-moves.ts';

export type { FleetPlanRecord } from './fleet-run-moves.ts';

export type FleetRunsDependencies = MoveDeps;

const RUN_LIMIT = 50;

export function createFleetRuns(deps: FleetRunsDependencies) {
  const runs = new Map<string, Run>();

  function find(runId: string): Run {
    const run = runs.get(runId);
    if (!run) throw new ApiFailure('not-found', `no fleet release '${runId}'`);
    return run;
  }

  function start(record: FleetPlanRecord): FleetRunView {
    const waveOf = new Map(record.waves.waves.flatMap((w, i) => w.map((c) => [c, i + 1] as const)));
    const skipped = new Map(record.waves.skipped.map((sk) => [sk.cluster, sk.reason]));
    const run: Run = {
      record,
      state: { applied: [] },
      running: false,
      view: {
        runId: `fleet-${randomBytes(6).toString('hex')}`,
        namespace: record.namespace,
        host: record.host,
        change: record.change,
        state: 'running',
        waves: record.waves.waves,
        wavesApplied: 0,
        gates: [],
        clusters: record.clusters.map((c) => ({
          contextId: c.contextId,
          state: skipped.has(c.contextId) ? 'skipped' : 'pending',
          ...(waveOf.has(c.contextId) ? { wave: waveOf.get(c.contextId) } : {}),
          ...(skipped.has(c.contextId) ? { message: skipped.get(c.contextId) } : {}),
        })),
        startedAt: Date.now(),
      },
    };
    runs.set(run.view.runId, run);
    while (runs.size > RUN_LIMIT) runs.delete(runs.keys().next().value as string);
    void loop(deps, run).catch((err) => {
      run.view.state = 'stopped';
      run.view.stopReason = `the fleet release stopped on an error: ${(err as Error).message}`;
      emitRun(deps, run);
    });
    return structuredClone(run.view);
  }

  const finished = (run: Run) => ['completed', 'kept', 'rolled-back'].includes(run.view.state);

  return {
    start,
    get: (runId: string) => structuredClone(find(runId).view),
    /** The waves stop after the cluster changes under way; nothing later starts. */
    stop(runId: string): FleetRunView {
      const run = find(runId);
      if (finished(run)) throw new ApiFailure('conflict', `the fleet release has ended (${run.view.state})`);
      run.state.stopped ??= { reason: 'stopped by the operator' };
      run.wake?.();
      return structuredClone(run.view);
    },
    /** After a stop (or once completed): every changed cluster's change undone, newest first. */
    async rollbackAll(runId: string): Promise<FleetRunView> {
      const run = find(runId);
      if (run.running || !['stopped', 'completed'].includes(run.view.state))
        throw new ApiFailure(
          'conflict',
          `roll back all is offered once the waves have stopped (now ${run.view.state})`,
        );
      run.state.choice = 'roll-back-all';
      if (run.view.state === 'completed') run.state.stopped = { reason: 'rolled back by the operator' };
      await loop(deps, run);
      return structuredClone(run.view);
    },
    keep(runId: string): FleetRunView {
      const run = find(runId);
      if (run.running || run.view.state !== 'stopped')
        throw new ApiFailure(
          'conflict',
          `keep is offered once the waves have stopped (now ${run.view.state})`,
        );
      run.state.choice = 'keep';
      run.view.state = 'kept';
      run.view.finishedAt = Date.now();
      emitRun(deps, run);
      return structuredClone(run.view);
    },
    /** Resolves once no run is carrying out a move (tests, dispose). */
    async settled(): Promise<void> {
      while ([...runs.values()].some((r) => r.running)) await new Promise((r) => setTimeout(r, 20));
    },
    dispose() {
      for (const run of runs.values()) {
        run.state.stopped ??= { reason: 'the app is closing' };
        run.wake?.();
      }
    },
  };
}

export type FleetRuns = ReturnType<typeof createFleetRuns>;
