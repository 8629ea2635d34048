import type { ApiHandlers } from '../api-dispatch.ts';
import type { FleetService } from '../fleet/fleet-service.ts';

type FleetCalls = Pick<
  ApiHandlers,
  | 'fleet.list'
  | 'fleet.save'
  | 'fleet.delete'
  | 'fleet.view'
  | 'fleet.plan'
  | 'fleet.apply'
  | 'fleet.get'
  | 'fleet.stop'
  | 'fleet.rollbackAll'
  | 'fleet.keep'
>;

/**
 * fleet.*: saved fleets (named sets of contexts), the fleet view (one row per cluster, drift), and
 * one change across the fleet: planned and reviewed per cluster, applied in waves, stopped, rolled
 * back or kept.
 */
export function fleetHandlers(f: FleetService): FleetCalls {
  return {
    'fleet.list': async () => ({ fleets: await f.list() }),
    'fleet.save': async (fleet) => ({ fleets: await f.save(fleet) }),
    'fleet.delete': async ({ name }) => ({ fleets: await f.remove(name) }),
    'fleet.view': (req) => f.view(req),
    'fleet.plan': (req) => f.plan(req),
    'fleet.apply': async ({ fleetPlanId }) => f.apply(fleetPlanId),
    'fleet.get': async ({ runId }) => f.runs.get(runId),
    'fleet.stop': async ({ runId }) => f.runs.stop(runId),
    'fleet.rollbackAll': ({ runId }) => f.runs.rollbackAll(runId),
    'fleet.keep': async ({ runId }) => f.runs.keep(runId),
  };
}
