// Carrying a release through its phases that take several steps (start, finalize, abort), from
// wherever it stopped: `resumeReleases()` calls these again after the app restarts.

import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import {
  addVersion,
  desiredOf,
  planRelease,
  removeContentRule,
  removeVersion,
  setSplit,
} from '../../../shared/mesh/plan/index.ts';
import type { EnginePlan, EngineStep } from '../apply/apply-types.ts';
import { KubeRequestError } from '../kube-api.ts';
import { cloneDeploymentForVersion } from './deployment-clone.ts';
import { createGatewaySteps } from './gateway-release.ts';
import { waitForRollout } from './rollout-progress.ts';
import type { ReleaseState } from './rollout-state.ts';
import type { ReleaseSteps } from './rollout-steps.ts';
import { deploymentTarget, scaleStep } from './rollout-steps.ts';
import type { RolloutWorkflowDeps } from './rollout-workflow-types.ts';

/** The phase runners of one workflow, over its dependencies and steps. */
export function createPhaseRunners(deps: RolloutWorkflowDeps, steps: ReleaseSteps) {
  const { rolloutTimeoutMs, emit, current, save, run, applyDesired, scale, exists } = steps;
  const gateway = createGatewaySteps(deps, steps);

  /** From wherever a start stopped: create, wait for the rollout, declare the subset. */
  async function continueStart(s: ReleaseState, stable?: KubeObject): Promise<ReleaseState> {
    const target = deploymentTarget(s.namespace, s.canary.deployment);
    if (s.phase === 'creating') {
      if (!(await exists(target))) {
        const source = stable ?? (await deps.api.get(deploymentTarget(s.namespace, s.stable.deployment)));
        const object = cloneDeploymentForVersion(source, {
          version: s.gateway?.labelVersion ?? s.canary.version,
          image: s.canary.image,
          replicas: s.canary.replicas,
          name: s.canary.deployment,
        });
        const step = {
          id: 'create-deployment',
          description: `create Deployment ${s.canary.deployment} (${s.canary.image}, ${s.canary.replicas} replica(s))`,
          target: { ...target, namespace: s.namespace },
          action: 'create' as const,
          object,
        };
        await run(s, { releaseId: s.serviceReleaseId, steps: [step] }, undefined, step.description);
      }
      await save(s, 'rolling-out');
    }
    if (s.phase === 'rolling-out') {
      await waitForRollout(deps.watcher, target, {
        timeoutMs: rolloutTimeoutMs,
        onProgress: (progress) => emit({ releaseId: s.id, type: 'rollout', progress }),
      });
      await save(s, 'adding-subset');
    }
    if (s.phase === 'adding-subset' && s.gateway) {
      // Gateway API: the version's Service, its endpoints ready, then its backendRef at 0.
      await gateway.addVersionBackend(s);
      await save(s, 'ready');
    }
    if (s.phase === 'adding-subset') {
      const { release } = await current(s);
      const declared = release.versions.some(
        (v) => v.name === s.canary.version && v.origin === 'subset' && v.declared,
      );
      if (!declared)
        await applyDesired(
          s,
          (r) => addVersion(r, { name: s.canary.version, labels: s.canary.labels }),
          `add subset ${s.canary.version}`,
        );
      await save(s, 'ready');
    }
    return s;
  }

  /**
   * The VirtualServices of other namespaces (an ingress gateway's, say): the old version's subset
   * is not removed while one of them still sends to it. None when this user may not list them
   * cluster-wide (a namespaced user): then only the release's namespace is seen, as before.
   */
  async function routesElsewhere(namespace: string): Promise<KubeObject[]> {
    if (!deps.api.listAllNamespaces) return [];
    try {
      const all = await deps.api.listAllNamespaces(
        deps.istioApiVersion ?? 'networking.istio.io/v1',
        'VirtualService',
      );
      return all.filter((o) => (o.metadata.namespace ?? 'default') !== namespace);
    } catch (e) {
      if (e instanceof KubeRequestError && (e.status === 403 || e.status === 401)) return [];
      throw e;
    }
  }

  /**
   * What finalizing takes, as one plan for review: the old version leaves the route and its subset
   * goes (one route step, then the DestinationRule), then its Deployment is scaled to zero or
   * deleted. Refused while the old version still receives requests.
   */
  async function planFinalizeOf(
    s: ReleaseState,
    mode: 'scale-to-zero' | 'delete',
  ): Promise<{ plan: EnginePlan; objects: KubeObject[]; description: string }> {
    const { release, objects } = await current(s);
    const old = s.stable.version;
    const share = release.defaultRoute?.destinations.find((d) => d.version === old)?.weight ?? 0;
    const rules = release.rules.filter((r) => r.version === old);
    if (share > 0 || rules.length > 0) {
      const why =
        share > 0
          ? `still receives ${share}% of traffic`
          : `is still the target of rule(s) ${rules.map((r) => r.name ?? r.id).join(', ')}`;
      throw new ApiFailure(
        'invalid-request',
        `cannot finalize ${s.id}: version '${old}' ${why}; promote first`,
      );
    }
    const steps: EngineStep[] = [];
    if (release.versions.some((v) => v.name === old)) {
      const inView =
        release.flavor === 'istio' ? [...objects, ...(await routesElsewhere(s.namespace))] : objects;
      steps.push(...planRelease(release, removeVersion(release, old), inView).steps);
    }
    const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === s.stable.deployment);
    const after = steps.at(-1);
    const dependsOn = after ? { dependsOn: [after.id] } : {};
    if (d && mode === 'delete') {
      steps.push({
        id: 'delete-deployment',
        description: `delete Deployment ${s.stable.deployment}`,
        target: { ...deploymentTarget(s.namespace, s.stable.deployment), namespace: s.namespace },
        action: 'delete',
        ...dependsOn,
      });
    } else if (d) {
      const step = scaleStep(s.namespace, d, 0);
      if (step) steps.push({ ...step, ...dependsOn });
    }
    const what = mode === 'delete' ? 'delete' : 'scale to zero';
    return {
      plan: { releaseId: s.serviceReleaseId, steps },
      objects,
      description: `finalize ${s.canary.version}: remove version ${old} from the route, ${what} Deployment ${s.stable.deployment}`,
    };
  }

  async function continueAbort(s: ReleaseState): Promise<ReleaseState> {
    if (s.gateway) {
      await gateway.withdraw(s);
      s.split = [{ version: s.stable.version, weight: 100 }];
      return save(s, 'aborted');
    }
    const { release, objects } = await current(s);
    let desired = desiredOf(release);
    for (const r of release.rules.filter((x) => x.version === s.canary.version))
      desired = removeContentRule(desired, r.id);
    const stableShare =
      release.defaultRoute?.destinations.find((d) => d.version === s.stable.version)?.weight ?? 0;
    if (release.defaultRoute && stableShare !== 100)
      desired = setSplit(desired, [{ version: s.stable.version, weight: 100 }]);
    await run(s, planRelease(release, desired, objects), objects, `all traffic back to ${s.stable.version}`);
    s.split = [{ version: s.stable.version, weight: 100 }];
    if (s.abortScaleToZero && (await exists(deploymentTarget(s.namespace, s.canary.deployment))))
      await scale(s, s.canary.deployment, 0);
    return save(s, 'aborted');
  }

  return { continueStart, planFinalizeOf, continueAbort, planRetireService: gateway.planRetireService };
}
