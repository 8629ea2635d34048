import type {
  RolloutPlanProgress,
  RolloutPlanView,
  RolloutProgressView,
} from '../../../shared/api/console-schemas.ts';
import type { ReleaseState } from './rollout-state.ts';

/** One folder of release states per context; context ids (`kube:<name>`) become safe folder names. */
export function storeDirName(contextId: string): string {
  const safe = contextId.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
  // A short hash keeps `kube:a_b` and `kube:a-b` apart after the replacement.
  let h = 0;
  for (const ch of contextId) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `${safe}-${h.toString(36)}`;
}

/** Gateway API: the new version's Service and the old one, as the wizard shows them. */
function backendServiceOf(s: ReleaseState): RolloutPlanView['backendService'] {
  if (!s.gateway) return undefined;
  return {
    service: s.gateway.service,
    stableService: s.gateway.stableService,
    ...(s.gateway.endpointsReady ? { endpointsReady: s.gateway.endpointsReady } : {}),
    stableServiceDeleted: s.gateway.stableServiceDeleted ?? false,
  };
}

export function rolloutPlanView(
  contextId: string,
  s: ReleaseState,
  running: boolean,
  rollout: RolloutProgressView | undefined,
): RolloutPlanView {
  const backend = backendServiceOf(s);
  return {
    id: s.id,
    contextId,
    releaseId: s.serviceReleaseId,
    namespace: s.namespace,
    stable: { version: s.stable.version, deployment: s.stable.deployment },
    canary: {
      version: s.canary.version,
      deployment: s.canary.deployment,
      image: s.canary.image,
      replicas: s.canary.replicas,
    },
    ...(backend ? { backendService: backend } : {}),
    phase: s.phase,
    running,
    ...(s.split ? { split: s.split } : {}),
    ...(s.finalizeMode ? { finalizeMode: s.finalizeMode } : {}),
    ...(rollout ? { rollout } : {}),
    ...(s.lastError !== undefined ? { lastError: s.lastError } : {}),
    changes: s.historyIds.length,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function rolloutPlanProgressOf(
  contextId: string,
  s: ReleaseState,
  running: boolean,
  extra: Partial<RolloutPlanProgress>,
): RolloutPlanProgress {
  return {
    contextId,
    id: s.id,
    releaseId: s.serviceReleaseId,
    phase: s.phase,
    running,
    ...(backendServiceOf(s) ? { backendService: backendServiceOf(s) } : {}),
    ...(s.lastError !== undefined ? { error: s.lastError } : {}),
    ...extra,
  };
}
