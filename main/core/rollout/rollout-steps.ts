// The steps every release operation is made of: read the release from the cluster, save the state
// (announcing a new phase), apply a plan as a safe apply with history, scale a Deployment, and run
// an operation so that its failure is saved on the state and thrown as an ApiFailure.

import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { ReleaseEditError } from '../../../shared/mesh/model/index.ts';
import type { DesiredRelease } from '../../../shared/mesh/plan/index.ts';
import { planRelease } from '../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import type { AnyPlan, EngineStep } from '../apply/apply-types.ts';
import type { ObjectTarget } from '../kube-api.ts';
import { CloneError, cloneDeploymentForVersion } from './deployment-clone.ts';
import { RolloutError } from './rollout-progress.ts';
import type { ReleaseEvent, ReleasePhase, ReleaseState } from './rollout-state.ts';
import type { RolloutWorkflowDeps, StartRelease } from './rollout-workflow-types.ts';

/** The Gateway API version the wizard lists HTTPRoutes in. */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

export const deploymentTarget = (namespace: string, name: string): ObjectTarget => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace,
  name,
});

/** The guarded patch that scales a Deployment, or null when it has that many replicas already. */
export function scaleStep(namespace: string, d: KubeObject, replicas: number): EngineStep | null {
  const deployment = d.metadata.name;
  const cur = (d.spec as { replicas?: number } | undefined)?.replicas;
  if (cur === replicas) return null;
  const patch = [
    { op: 'test' as const, path: '/metadata/resourceVersion', value: d.metadata.resourceVersion },
    cur === undefined
      ? { op: 'add' as const, path: '/spec/replicas', value: replicas }
      : { op: 'test' as const, path: '/spec/replicas', value: cur },
    ...(cur === undefined ? [] : [{ op: 'replace' as const, path: '/spec/replicas', value: replicas }]),
  ];
  return {
    id: `scale-${deployment}`,
    description: `scale Deployment ${deployment} to ${replicas}`,
    target: { ...deploymentTarget(namespace, deployment), namespace },
    patch,
  };
}

/** The stable Deployment cloned for the new version (Istio or Gateway API alike); a bad input is the caller's error. */
export function cloneForRelease(stable: KubeObject, input: StartRelease): KubeObject {
  try {
    return cloneDeploymentForVersion(stable, {
      version: input.version,
      image: input.image,
      replicas: input.replicas,
      ...(input.container ? { container: input.container } : {}),
      ...(input.deploymentName ? { name: input.deploymentName } : {}),
    });
  } catch (err) {
    throw failureOf(err);
  }
}

export function failureOf(err: unknown): ApiFailure {
  if (err instanceof ApiFailure) return err;
  if (err instanceof ReleaseEditError || err instanceof CloneError)
    return new ApiFailure('invalid-request', err.message);
  if (err instanceof RolloutError)
    return new ApiFailure(
      err.code === 'not-found' ? 'not-found' : 'timeout',
      err.message,
      err.progress ? { progress: err.progress } : undefined,
    );
  return new ApiFailure('internal', err instanceof Error ? err.message : String(err));
}

/** The steps of one workflow's operations, sharing its dependencies. */
export function createReleaseSteps(deps: RolloutWorkflowDeps) {
  const istio = deps.istioApiVersion ?? 'networking.istio.io/v1';
  const now = deps.now ?? (() => new Date());
  const rolloutTimeoutMs = deps.rolloutTimeoutMs ?? 300_000;
  const emit = (e: ReleaseEvent) => deps.onEvent?.(e);

  async function loadObjects(namespace: string, gatewayApi: boolean): Promise<KubeObject[]> {
    const lists = await Promise.all([
      // A Gateway API release is read from its HTTPRoute alone (Istio's kinds may not be served).
      ...(gatewayApi
        ? [deps.api.list(GATEWAY_API_VERSION, 'HTTPRoute', namespace)]
        : [
            deps.api.list(istio, 'VirtualService', namespace),
            deps.api.list(istio, 'DestinationRule', namespace),
          ]),
      deps.api.list('apps/v1', 'Deployment', namespace),
      deps.api.list('v1', 'Service', namespace),
    ]);
    return lists.flat();
  }

  async function current(
    s: Pick<ReleaseState, 'namespace' | 'serviceReleaseId'>,
  ): Promise<{ release: ServiceRelease; objects: KubeObject[] }> {
    const objects = await loadObjects(s.namespace, s.serviceReleaseId.startsWith('gateway-api:'));
    const release = readReleases(objects).find((r) => r.id === s.serviceReleaseId);
    if (!release)
      throw new ApiFailure(
        'not-found',
        `no routed service '${s.serviceReleaseId}' in namespace ${s.namespace}`,
      );
    return { release, objects };
  }

  async function save(s: ReleaseState, phase?: ReleasePhase): Promise<ReleaseState> {
    if (phase) s.phase = phase;
    s.updatedAt = now().toISOString();
    await deps.store.save(s);
    if (phase) emit({ releaseId: s.id, type: 'phase', phase });
    return s;
  }

  async function run(
    s: ReleaseState,
    plan: AnyPlan,
    objects: readonly KubeObject[] | undefined,
    description: string,
  ): Promise<void> {
    if (plan.steps.length === 0) return;
    const result = await deps.engine.apply({
      plan,
      context: deps.context,
      user: deps.user,
      kind: 'release',
      description: `${s.id}: ${description}`,
      ...(objects ? { objects } : {}),
      onProgress: (progress) => emit({ releaseId: s.id, type: 'apply', progress }),
    });
    if (!result.ok) throw new ApiFailure(result.error.code, result.error.message, result.error.details);
    if (result.historyId) {
      s.historyIds.push(result.historyId);
      emit({ releaseId: s.id, type: 'history', historyId: result.historyId });
    }
  }

  async function applyDesired(
    s: ReleaseState,
    edit: (r: ServiceRelease) => DesiredRelease,
    description: string,
  ): Promise<void> {
    const { release, objects } = await current(s);
    await run(s, planRelease(release, edit(release), objects), objects, description);
  }

  async function scale(s: ReleaseState, deployment: string, replicas: number): Promise<void> {
    const d = await deps.api.get(deploymentTarget(s.namespace, deployment));
    const step = scaleStep(s.namespace, d, replicas);
    if (step) await run(s, { releaseId: s.serviceReleaseId, steps: [step] }, [d], step.description);
  }

  async function exists(target: ObjectTarget): Promise<KubeObject | null> {
    try {
      return await deps.api.get(target);
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  }

  async function load(id: string): Promise<ReleaseState> {
    const s = await deps.store.load(id);
    if (!s) throw new ApiFailure('not-found', `no release '${id}'`);
    return s;
  }

  /** Runs one operation; a failure is saved on the state (the phase stays) and thrown as ApiFailure. */
  async function guarded(s: ReleaseState, fn: () => Promise<ReleaseState>): Promise<ReleaseState> {
    try {
      const out = await fn();
      if (out.lastError !== undefined) {
        delete out.lastError;
        await save(out);
      }
      return out;
    } catch (err) {
      const f = failureOf(err);
      s.lastError = f.message;
      await save(s).catch(() => undefined);
      emit({ releaseId: s.id, type: 'error', message: f.message });
      throw f;
    }
  }

  function requirePhase(s: ReleaseState, allowed: readonly ReleasePhase[], what: string): void {
    if (!allowed.includes(s.phase))
      throw new ApiFailure('invalid-request', `cannot ${what} release ${s.id}: it is ${s.phase}`);
  }

  return {
    now,
    rolloutTimeoutMs,
    emit,
    current,
    save,
    run,
    applyDesired,
    scale,
    exists,
    load,
    guarded,
    requirePhase,
  };
}

export type ReleaseSteps = ReturnType<typeof createReleaseSteps>;
