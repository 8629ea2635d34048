// The release behind the wizard: create the grayscale version from the stable one, wait for its
// rollout, declare its subset, route to it by weight or by content, promote, finalize or abort.
// Every change is a safe apply with history; the state is saved before each phase so that
// `resumeReleases()` can carry on after the app restarts.

import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/istio-types.ts';
import { readIstioReleases } from '../../../shared/mesh/read-istio.ts';
import type { DesiredRelease, NewContentRule } from '../../../shared/mesh/release-edits.ts';
import {
  addContentRule,
  addVersion,
  cutOverTo,
  desiredOf,
  removeContentRule,
  removeVersion,
  setSplit,
} from '../../../shared/mesh/release-edits.ts';
import type { ServiceRelease } from '../../../shared/mesh/release-model.ts';
import { ReleaseEditError } from '../../../shared/mesh/release-model.ts';
import { planRelease } from '../../../shared/mesh/release-plan.ts';
import type { ApplyEngine } from '../apply/apply-engine.ts';
import type { AnyPlan } from '../apply/apply-types.ts';
import type { KubeApi, ObjectTarget } from '../kube-api.ts';
import { CloneError, cloneDeploymentForVersion, podVersionLabel } from './deployment-clone.ts';
import type { ReleaseEvent, ReleasePhase, ReleaseState } from './release-state.ts';
import { FINISHED, WAITING_FOR_OPERATOR } from './release-state.ts';
import type { ReleaseStateStore } from './release-state-store.ts';
import type { ObjectWatcher } from './rollout-progress.ts';
import { RolloutError, waitForRollout } from './rollout-progress.ts';

export interface ReleaseWorkflowDeps {
  api: KubeApi;
  engine: ApplyEngine;
  store: ReleaseStateStore;
  watcher: ObjectWatcher;
  context: string;
  user: string;
  /** The Istio version the cluster serves (`networking.istio.io/v1`). */
  istioApiVersion?: string;
  rolloutTimeoutMs?: number;
  onEvent?: (e: ReleaseEvent) => void;
  now?: () => Date;
}

export interface StartRelease {
  serviceReleaseId: string;
  namespace: string;
  stableVersion: string;
  version: string;
  image: string;
  replicas: number;
  container?: string;
  deploymentName?: string;
}

export interface ResumeReport {
  id: string;
  phase: ReleasePhase;
  outcome: 'continued' | 'waiting-for-operator' | 'failed';
  error?: string;
}

export interface ReleaseWorkflow {
  start(input: StartRelease): Promise<ReleaseState>;
  route(id: string, weights: Record<string, number>): Promise<ReleaseState>;
  addRule(id: string, rule: Omit<NewContentRule, 'version'>): Promise<ReleaseState>;
  promote(id: string): Promise<ReleaseState>;
  finalize(id: string, mode: 'scale-to-zero' | 'delete'): Promise<ReleaseState>;
  abort(id: string, opts?: { scaleToZero?: boolean }): Promise<ReleaseState>;
  list(): Promise<ReleaseState[]>;
  resumeReleases(): Promise<ResumeReport[]>;
}

const deploymentTarget = (namespace: string, name: string): ObjectTarget => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace,
  name,
});

function failureOf(err: unknown): ApiFailure {
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

export function createReleaseWorkflow(deps: ReleaseWorkflowDeps): ReleaseWorkflow {
  const istio = deps.istioApiVersion ?? 'networking.istio.io/v1';
  const now = deps.now ?? (() => new Date());
  const rolloutTimeoutMs = deps.rolloutTimeoutMs ?? 300_000;
  const emit = (e: ReleaseEvent) => deps.onEvent?.(e);

  async function loadObjects(namespace: string): Promise<KubeObject[]> {
    const lists = await Promise.all([
      deps.api.list(istio, 'VirtualService', namespace),
      deps.api.list(istio, 'DestinationRule', namespace),
      deps.api.list('apps/v1', 'Deployment', namespace),
      deps.api.list('v1', 'Service', namespace),
    ]);
    return lists.flat();
  }

  async function current(
    s: Pick<ReleaseState, 'namespace' | 'serviceReleaseId'>,
  ): Promise<{ release: ServiceRelease; objects: KubeObject[] }> {
    const objects = await loadObjects(s.namespace);
    const release = readIstioReleases(objects).find((r) => r.id === s.serviceReleaseId);
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
    if (result.historyId) s.historyIds.push(result.historyId);
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
    const target = deploymentTarget(s.namespace, deployment);
    const d = await deps.api.get(target);
    const cur = (d.spec as { replicas?: number } | undefined)?.replicas;
    if (cur === replicas) return;
    const patch = [
      { op: 'test' as const, path: '/metadata/resourceVersion', value: d.metadata.resourceVersion },
      cur === undefined
        ? { op: 'add' as const, path: '/spec/replicas', value: replicas }
        : { op: 'test' as const, path: '/spec/replicas', value: cur },
      ...(cur === undefined ? [] : [{ op: 'replace' as const, path: '/spec/replicas', value: replicas }]),
    ];
    const step = {
      id: `scale-${deployment}`,
      description: `scale Deployment ${deployment} to ${replicas}`,
      target: { ...target, namespace: s.namespace },
      patch,
    };
    await run(s, { releaseId: s.serviceReleaseId, steps: [step] }, [d], step.description);
  }

  async function exists(target: ObjectTarget): Promise<KubeObject | null> {
    try {
      return await deps.api.get(target);
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  }

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
    async start(input) {
      const { release, objects } = await current(input);
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
      let clone: KubeObject;
      try {
        clone = cloneDeploymentForVersion(stable, {
          version: input.version,
          image: input.image,
          replicas: input.replicas,
          ...(input.container ? { container: input.container } : {}),
          ...(input.deploymentName ? { name: input.deploymentName } : {}),
        });
      } catch (err) {
        throw failureOf(err);
      }
      const key = podVersionLabel(stable)?.key ?? 'version';
      const labels = Object.fromEntries(
        Object.entries(stableVersion.labels).map(([k, v]) => [k, k === key ? input.version : v]),
      );
      if (!(key in labels)) labels[key] = input.version;
      const host = release.host.split('.')[0] ?? release.host;
      const at = now().toISOString();
      const s: ReleaseState = {
        id: `${input.namespace}.${host}.${input.version}`.toLowerCase(),
        context: deps.context,
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
      const previous = await deps.store.load(s.id);
      if (previous && !FINISHED.includes(previous.phase))
        throw new ApiFailure('conflict', `release ${s.id} is already in progress (${previous.phase})`);
      await save(s, 'creating');
      return guarded(s, () => continueStart(s, stable));
    },
    async route(id, weights) {
      const s = await load(id);
      requirePhase(s, ['ready', 'routing', 'promoted'], 'route');
      return guarded(s, async () => {
        await applyDesired(
          s,
          (r) => setSplit(r, weights),
          `split ${Object.entries(weights)
            .map(([v, w]) => `${v} ${w}%`)
            .join(', ')}`,
        );
        s.split = { ...weights };
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
    async promote(id) {
      const s = await load(id);
      requirePhase(s, ['ready', 'routing', 'promoted'], 'promote');
      return guarded(s, async () => {
        await applyDesired(s, (r) => cutOverTo(r, s.canary.version), `promote ${s.canary.version}`);
        s.split = { [s.canary.version]: 100 };
        return save(s, 'promoted');
      });
    },
    async finalize(id, mode) {
      const s = await load(id);
      requirePhase(s, ['promoted', 'finalizing'], 'finalize');
      s.finalizeMode = mode;
      await save(s, 'finalizing');
      return guarded(s, () => continueFinalize(s));
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
        if (WAITING_FOR_OPERATOR.includes(s.phase)) {
          reports.push({ id: s.id, phase: s.phase, outcome: 'waiting-for-operator' });
          continue;
        }
        try {
          const next = await guarded(s, () =>
            s.phase === 'finalizing'
              ? continueFinalize(s)
              : s.phase === 'aborting'
                ? continueAbort(s)
                : continueStart(s),
          );
          reports.push({ id: s.id, phase: next.phase, outcome: 'continued' });
        } catch (err) {
          reports.push({ id: s.id, phase: s.phase, outcome: 'failed', error: (err as Error).message });
        }
      }
      return reports;
    },
  };
}
