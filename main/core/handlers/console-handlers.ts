import type { PlanView } from '../../../shared/api/console-schemas.ts';
import type { ContextList } from '../../../shared/api/contract.ts';
import type { ObjectKey } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { FleetServiceOptions } from '../fleet/fleet-service.ts';
import { createFleetService } from '../fleet/fleet-service.ts';
import type { ConsoleDependencies, DraftBase, ExternalPlan } from '../services/console-services.ts';
import { createConsoleServices } from '../services/console-services.ts';
import { reviewExternalPlan } from '../services/release-changes.ts';
import { draftBase, liveObjects } from '../services/release-reads.ts';
import { fleetHandlers } from './fleet.ts';
import { historyHandlers } from './history.ts';
import { releaseHandlers } from './release.ts';
import { rolloutHandlers } from './rollout.ts';
import { ruleHandlers } from './rules.ts';
import { serviceHandlers } from './services.ts';
import { sessionHandlers } from './sessions.ts';

/** The console's contract calls: what its namespaces' adapters answer, each listed in its own file. */
export type ConsoleCalls = ReturnType<typeof sessionHandlers> &
  ReturnType<typeof serviceHandlers> &
  ReturnType<typeof releaseHandlers> &
  ReturnType<typeof rolloutHandlers> &
  ReturnType<typeof historyHandlers> &
  ReturnType<typeof ruleHandlers> &
  ReturnType<typeof fleetHandlers>;

/** What the other services of main (metrics, drafts) need of the console's: not contract calls. */
export interface ConsoleInternals {
  dispose(): Promise<void>;
  listContexts(): Promise<ContextList>;
  /** The kubeconfig files changed: the context list should be sent again. */
  onContextsChanged(listener: () => void): () => void;
  /** The open session of a context, for the metrics service (throws a clear 'unavailable'). */
  session(contextId: string): ClusterSession;
  /** Live copies of objects from the synced cache (undefined: not in the cluster); needs a connection. */
  liveObjects(contextId: string, keys: readonly ObjectKey[]): Promise<Array<KubeObject | undefined>>;
  /** Stores a plan for `release.apply` and answers its review (dry-run included). */
  reviewPlan(p: ExternalPlan): Promise<PlanView>;
  /** The objects a new draft of a release starts from (its routes, DestinationRules, Services, Deployments). */
  draftBase(contextId: string, releaseId: string): Promise<DraftBase>;
}

/** The console's contract calls (one adapter per namespace) over its services, with main's own. */
export function createConsoleHandlers(
  deps: ConsoleDependencies & { fleet?: Omit<FleetServiceOptions, 'dataDir'> },
): ConsoleCalls & ConsoleInternals {
  const s = createConsoleServices(deps);
  const fleet = createFleetService(s, { dataDir: deps.dataDir, ...deps.fleet });
  return {
    ...sessionHandlers(s),
    ...serviceHandlers(s),
    ...releaseHandlers(s),
    ...rolloutHandlers(s.rollouts, s.stepPlans),
    ...historyHandlers(s),
    ...ruleHandlers(s.engine),
    ...fleetHandlers(fleet),
    listContexts: () => s.sessions.listContexts(),
    onContextsChanged: (listener) => s.sessions.onContextsChanged(listener),
    session: (contextId) => s.sessions.session(contextId),
    liveObjects: (contextId, keys) => liveObjects(s, contextId, keys),
    reviewPlan: (p) => reviewExternalPlan(s, p),
    draftBase: (contextId, releaseId) => draftBase(s, contextId, releaseId),
    dispose: async () => {
      await fleet.dispose();
      await s.dispose();
    },
  };
}
