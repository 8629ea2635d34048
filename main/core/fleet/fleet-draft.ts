// A saved draft as a fleet's change (`{ kind: 'draft', draftId }`): what the fleet needs of the
// drafts service, which implements it (drafts-service.ts `forFleet`). Each cluster gets the draft's
// own three-way merge with ITS live objects: a plan for the apply engine, or the overlapping fields.

import type { TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { EnginePlan } from '../apply/apply-types.ts';

/** One cluster's merge: the plan (empty when the cluster already has the draft), or why it conflicts. */
export type DraftClusterPlan = { plan: EnginePlan } | { conflict: string };

export interface FleetDraft {
  name: string;
  namespace: string;
  host: string;
  /** The draft's change in words: `v1 50%, v2 50%; 1 rule`. */
  words: string;
  /** The catch-all split the draft sets (the gate judges the version it gives more traffic to). */
  split: TrafficSplit | undefined;
  /** The draft merged with the live objects of `contextId`, planned for its release `releaseId`. */
  planIn(contextId: string, releaseId: string): Promise<DraftClusterPlan>;
}

/** Opens a saved draft for a fleet change (throws not-found, or invalid-request for a draft that cannot apply yet). */
export type FleetDrafts = (draftId: string) => Promise<FleetDraft>;
