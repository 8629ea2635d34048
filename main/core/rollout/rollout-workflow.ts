// The release behind the wizard: create the grayscale version from the stable one, wait for its
// rollout, declare its subset, route to it by weight or by content, promote, finalize or abort.
// Every change is a safe apply with history; the state is saved before each phase so that
// `resumeReleases()` can carry on after the app restarts.

import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import {
  addContentRule,
  clearMirror,
  routeAllTrafficTo,
  setMirror,
  setSplit,
} from '../../../shared/mesh/plan/index.ts';
import { podVersionLabel } from './deployment-clone.ts';
import { createServiceRetirement, newGatewayRolloutState } from './gateway-release.ts';
import type { ReleaseHealth } from './rollout-health.ts';
import { healthSummary } from './rollout-health.ts';
import { createPhaseRunners } from './rollout-phases.ts';
import type { ReleaseState } from './rollout-state.ts';
import { FINISHED, WAITING_FOR_OPERATOR } from './rollout-state.ts';
import { cloneForRelease, createReleaseSteps, failureOf } from './rollout-steps.ts';
import type {
  ResumeReport,
  RolloutWorkflow,
  RolloutWorkflowDeps,
  StartRelease,
} from './rollout-workflow-types.ts';
import { restoredRelease } from './step-plan-route.ts';

export type {
  ResumeReport,
  RolloutWorkflow,
  RolloutWorkflowDeps,
  StartRelease,
} from './rollout-workflow-types.ts';

/** A new rollout's state: the stable version's Deployment and its clone for the new version. */
function newRolloutState(
  context: string,
  input: StartRelease,
  release: ServiceRelease,
  objects: readonly KubeObject[],
  when: Date,
): { state: ReleaseState; stable: KubeObject } {
  const stableVersion = release.versions.find((v) => v.name === input.stableVersion);
  if (!stableVersion)
    throw new ApiFailure(
      'invalid-request',
      `'${input.stableVersion}' is not a version of ${release.id} (versions: ${release.versions.map((v) => v.name).join(', ')})`,
    );
  const stableName = stableVersion.deployments[0];
  const stable = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === stableName);
  if (!stable)
    throw new ApiFailure('not-found', `version '${input.stableVersion}' has no Deployment to clone`);
  const clone = cloneForRelease(stable, input);
  const key = podVersionLabel(stable)?.key ?? 'version';
  const labels = Object.fromEntries(
    Object.entries(stableVersion.labels).map(([k, v]) => [k, k === key ? input.version : v]),
  );
  if (!(key in labels)) labels[key] = input.version;
  const host = release.host.split('.')[0] ?? release.host;
  const at = when.toISOString();
  const state: ReleaseState = {
    id: `${input.namespace}.${host}.${input.version}`.toLowerCase(),
    context,
    namespace: input.namespace,
    serviceReleaseId: release.id,
    stable: { version: input.stableVersion, deployment: stable.metadata.name },
    canary: {
      version: input.version,
      deployment: clone.metadata.name,
      image: input.image,
      replicas: input.replicas,
      labels,
    },
    phase: 'creating',
    historyIds: [],
    createdAt: at,
    updatedAt: at,
  };
  return { state, stable };
}

/** The wizard's new state: a subset on Istio, a backend Service on Gateway API. */
const newStateOf = (release: ServiceRelease) =>
  release.flavor === 'gateway-api' ? newGatewayRolloutState : newRolloutState;

export function createRolloutWorkflow(deps: RolloutWorkflowDeps): RolloutWorkflow {
  const steps = createReleaseSteps(deps);
  const { now, current, save, applyDesired, load, guarded, requirePhase } = steps;
  const runners = createPhaseRunners(deps, steps);
  const { continueStart, planFinalizeOf, continueAbort } = runners;

  async function healthOf(s: ReleaseState): Promise<ReleaseHealth> {
    const pair = { canary: s.canary.version, stable: s.stable.version };
    if (!deps.health) return { status: 'unknown', ...pair, reason: 'no metrics source is set up' };
    const { release } = await current(s);
    try {
      return await deps.health(s, release);
    } catch (err) {
      return { status: 'unknown', ...pair, reason: (err as Error).message };
    }
  }

  async function planFinalize(id: string, mode: 'scale-to-zero' | 'delete') {
    const s = await load(id);
    requirePhase(s, ['promoted', 'finalizing'], 'finalize');
    const planned = await planFinalizeOf(s, mode).catch((err: unknown) => {
      throw failureOf(err);
    });
    s.finalizeMode = mode;
    await save(s);
    return { state: s, ...planned };
  }

  async function markFinalized(id: string, historyId?: string): Promise<ReleaseState> {
    const s = await load(id);
    requirePhase(s, ['promoted', 'finalizing'], 'finalize');
    if (historyId) s.historyIds.push(historyId);
    return save(s, 'finalized');
  }

  return {
    ...createServiceRetirement(steps, runners.planRetireService),
    async start(input) {
      const { release, objects } = await current(input);
      const { state: s, stable } = newStateOf(release)(deps.context, input, release, objects, now());
      const previous = await deps.store.load(s.id);
      if (previous && !FINISHED.includes(previous.phase))
        throw new ApiFailure('conflict', `release ${s.id} is already in progress (${previous.phase})`);
      await save(s, 'creating');
      return guarded(s, () => continueStart(s, stable));
    },
    async route(id, split, description) {
      const s = await load(id);
      requirePhase(s, ['ready', 'routing', 'promoted'], 'route');
      return guarded(s, async () => {
        const shares = `split ${split.map((v) => `${v.version} ${v.weight}%`).join(', ')}`;
        await applyDesired(s, (r) => setSplit(r, split), description ? `${description}: ${shares}` : shares);
        s.split = split.map((v) => ({ version: v.version, weight: v.weight }));
        return save(s, 'routing');
      });
    },
    async mirror(id, mirror, description) {
      const s = await load(id);
      requirePhase(s, ['ready', 'routing'], 'mirror traffic of');
      return guarded(s, async () => {
        await applyDesired(s, (r) => (mirror ? setMirror(r, mirror) : clearMirror(r)), description);
        return save(s, 'routing');
      });
    },
    async restoreRoute(id, before, description) {
      const s = await load(id);
      requirePhase(s, ['ready', 'routing', 'promoted'], 'restore the route of');
      return guarded(s, async () => {
        await applyDesired(s, (r) => restoredRelease(r, before), description);
        s.split = before.split.map((v) => ({ version: v.version, weight: v.weight }));
        return save(s, 'routing');
      });
    },
    async addRule(id, rule) {
      const s = await load(id);
      requirePhase(s, ['ready', 'routing'], 'add a rule to');
      return guarded(s, async () => {
        await applyDesired(
          s,
          (r) => addContentRule(r, { ...rule, version: s.canary.version }),
          `route matching requests to ${s.canary.version}`,
        );
        return save(s, 'routing');
      });
    },
    health: async (id) => healthOf(await load(id)),
    async promote(id, opts = {}) {
      const s = await load(id);
      requirePhase(s, ['ready', 'routing', 'promoted'], 'promote');
      const rules = opts.rules ?? 'disable';
      if (!opts.override) {
        const health = await healthOf(s);
        if (health.status !== 'healthy')
          throw new ApiFailure(
            'conflict',
            `not promoting ${s.canary.version}: it is not known to be healthy (${healthSummary(health)}). Promote with an explicit override to go ahead anyway.`,
            { health },
          );
      }
      return guarded(s, async () => {
        await applyDesired(
          s,
          (r) => routeAllTrafficTo(r, s.canary.version, { rules }).desired,
          `promote ${s.canary.version}: all traffic${rules === 'keep' ? ' of the split (rules kept)' : rules === 'retarget' ? ', its rules retargeted' : ', rules to other versions disabled'}${opts.override ? ' (health check overridden)' : ''}`,
        );
        s.split = [{ version: s.canary.version, weight: 100 }];
        return save(s, 'promoted');
      });
    },
    planFinalize,
    markFinalized,
    async finalize(id, mode) {
      const { state: s, plan, objects, description } = await planFinalize(id, mode);
      return guarded(s, async () => {
        await steps.run(s, plan, objects, description);
        return markFinalized(id, s.historyIds.at(-1));
      });
    },
    async abort(id, opts = {}) {
      const s = await load(id);
      if (FINISHED.includes(s.phase) && s.phase !== 'aborted')
        throw new ApiFailure('invalid-request', `cannot abort release ${s.id}: it is ${s.phase}`);
      s.abortScaleToZero = opts.scaleToZero ?? false;
      await save(s, 'aborting');
      return guarded(s, () => continueAbort(s));
    },
    async list() {
      return (await deps.store.list()).releases;
    },
    async resumeReleases() {
      const reports: ResumeReport[] = [];
      for (const s of (await deps.store.list()).releases) {
        if (FINISHED.includes(s.phase)) continue;
        // Finalizing waits for the operator too: its plan is applied after their review.
        if (WAITING_FOR_OPERATOR.includes(s.phase) || s.phase === 'finalizing') {
          reports.push({ id: s.id, phase: s.phase, outcome: 'waiting-for-operator' });
          continue;
        }
        try {
          const next = await guarded(s, () => (s.phase === 'aborting' ? continueAbort(s) : continueStart(s)));
          reports.push({ id: s.id, phase: next.phase, outcome: 'continued' });
        } catch (err) {
          reports.push({ id: s.id, phase: s.phase, outcome: 'failed', error: (err as Error).message });
        }
      }
      return reports;
    },
  };
}
