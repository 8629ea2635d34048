// A release in progress, as saved between steps so the app can pick it up after a restart.

import type { TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { ApplyProgress } from '../apply/apply-types.ts';
import type { RolloutProgress } from './rollout-progress.ts';

export type ReleasePhase =
  | 'creating'
  | 'rolling-out'
  | 'adding-subset'
  | 'ready'
  | 'routing'
  | 'promoted'
  | 'finalizing'
  | 'finalized'
  | 'aborting'
  | 'aborted';

/** Phases where the workflow waits for the operator rather than for the cluster. */
export const WAITING_FOR_OPERATOR: readonly ReleasePhase[] = ['ready', 'routing', 'promoted'];
export const FINISHED: readonly ReleasePhase[] = ['finalized', 'aborted'];

export interface ReleaseState {
  /** `<namespace>.<service>.<version>`: one release per new version. */
  id: string;
  context: string;
  namespace: string;
  /** The ServiceRelease (`istio:<namespace>/<host>`) the version is released into. */
  serviceReleaseId: string;
  stable: { version: string; deployment: string };
  canary: {
    version: string;
    deployment: string;
    image: string;
    replicas: number;
    labels: Record<string, string>;
  };
  /**
   * Gateway API releases only: versions are backend Services, so `stable.version` and
   * `canary.version` are Service names (`search-v1`, `search-v2`) and `canary.labels` the new
   * Service's selector. `backendRefsBefore` is the catch-all rule's backendRefs as they were before
   * the new one was added: abort writes them back as they were only when they route the same as
   * the refs it works out from the route as it is then (never over other rollouts' changes).
   */
  gateway?: {
    stableService: string;
    service: string;
    /** The version label's value on the new pods (`v2`). */
    labelVersion: string;
    backendRefsBefore?: unknown[];
    /** The timeline's line once the new Service had ready endpoints. */
    endpointsReady?: string;
    /** The old version's backend Service was deleted (offered after finalize, on request). */
    stableServiceDeleted?: boolean;
  };
  phase: ReleasePhase;
  /** The last split applied through this release (files from before 0.2 hold a version→percent record). */
  split?: TrafficSplit;
  finalizeMode?: 'scale-to-zero' | 'delete';
  abortScaleToZero?: boolean;
  /** History entries of every change this release made, oldest first. */
  historyIds: string[];
  createdAt: string;
  updatedAt: string;
  lastError?: string;
}

export type ReleaseEvent =
  | { releaseId: string; type: 'phase'; phase: ReleasePhase }
  | { releaseId: string; type: 'rollout'; progress: RolloutProgress }
  | { releaseId: string; type: 'apply'; progress: ApplyProgress }
  | { releaseId: string; type: 'error'; message: string }
  /** A step done that the timeline names ("Service search-v2 created, endpoints ready"). */
  | { releaseId: string; type: 'note'; message: string }
  /** A change of this release reached History (one per applied step: route, promote, abort, …). */
  | { releaseId: string; type: 'history'; historyId: string };
