// Carrying a release through its phases that take several steps (start, finalize, abort), from
// wherever it stopped: `resumeReleases()` calls these again after the app restarts.

import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/istio-types.ts';
import {
  addVersion,
  desiredOf,
  removeContentRule,
  removeVersion,
  setSplit,
} from '../../../shared/mesh/release-edits.ts';
import { planRelease } from '../../../shared/mesh/release-plan.ts';
import { cloneDeploymentForVersion } from './deployment-clone.ts';
import type { ReleaseState } from './release-state.ts';
import type { ReleaseSteps } from './release-steps.ts';
import { deploymentTarget } from './release-steps.ts';
import type { ReleaseWorkflowDeps } from './release-workflow-types.ts';
import { waitForRollout } from './rollout-progress.ts';

/** The phase runners of one workflow, over its dependencies and steps. */
export function createPhaseRunners(deps: ReleaseWorkflowDeps, steps: ReleaseSteps) {
  const { rolloutTimeoutMs, emit, current, save, run, applyDesired, scale, exists } = steps;

  /** From wherever a start stopped: create, wait for the rollout, declare the subset. */
  async function continueStart(s: ReleaseState, stable?: KubeObject): Promise<ReleaseState> {
    const target = deploymentTarget(s.namespace, s.canary.deployment);
    if (s.phase === 'creating') {
      if (!(await exists(target))) {
        const source = stable ?? (await deps.api.get(deploymentTarget(s.namespace, s.stable.deployment)));
        const object = cloneDeploymentForVersion(source, {
          version: s.canary.version,
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

  async function continueFinalize(s: ReleaseState): Promise<ReleaseState> {
    const { release } = await current(s);
    const old = s.stable.version;
    const share = release.defaultRoute?.destinations.find((d) => d.version === old)?.percent ?? 0;
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
    const target = deploymentTarget(s.namespace, s.stable.deployment);
    if (await exists(target)) {
      if (s.finalizeMode === 'delete') {
        const step = {
          id: 'delete-deployment',
          description: `delete Deployment ${s.stable.deployment}`,
          target: { ...target, namespace: s.namespace },
          action: 'delete' as const,
        };
        await run(s, { releaseId: s.serviceReleaseId, steps: [step] }, undefined, step.description);
      } else await scale(s, s.stable.deployment, 0);
    }
    const after = await current(s);
    if (after.release.versions.some((v) => v.name === old && v.origin === 'subset' && v.declared)) {
      await run(
        s,
        planRelease(after.release, removeVersion(after.release, old), after.objects),
        after.objects,
        `remove version ${old}`,
      );
    }
    return save(s, 'finalized');
  }

  async function continueAbort(s: ReleaseState): Promise<ReleaseState> {
    const { release, objects } = await current(s);
    let desired = desiredOf(release);
    for (const r of release.rules.filter((x) => x.version === s.canary.version))
      desired = removeContentRule(desired, r.id);
    const stableShare =
      release.defaultRoute?.destinations.find((d) => d.version === s.stable.version)?.percent ?? 0;
    if (release.defaultRoute && stableShare !== 100) desired = setSplit(desired, { [s.stable.version]: 100 });
    await run(s, planRelease(release, desired, objects), objects, `all traffic back to ${s.stable.version}`);
    s.split = { [s.stable.version]: 100 };
    if (s.abortScaleToZero && (await exists(deploymentTarget(s.namespace, s.canary.deployment))))
      await scale(s, s.canary.deployment, 0);
    return save(s, 'aborted');
  }

  return { continueStart, continueFinalize, continueAbort };
}
