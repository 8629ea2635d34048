// The release wizard on a Gateway API HTTPRoute: a version is a backend Service. Starting creates
// the Deployment (the shared clone), then the version's Service, waits for its endpoints, and only
// then lists it on the catch-all rule at weight 0; abort takes it out of the route (its share back
// to the stable version, other versions' backends as they are now) before deleting the Service and
// the Deployment. Every write is a guarded apply.

import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import {
  addBackendAtZero,
  catchAllBackendRefs,
  deploymentOfService,
  planRelease,
  selectorOfService,
  versionService,
  versionServiceName,
  withdrawVersionOps,
} from '../../../shared/mesh/plan/index.ts';
import type { EndpointsReadiness } from '../../../shared/mesh/read/index.ts';
import {
  labelSelectorOf,
  readinessFromPods,
  readinessFromSlices,
  SERVICE_NAME_LABEL,
  versionLabelOf,
} from '../../../shared/mesh/read/index.ts';
import type { EnginePlan, EngineStep } from '../apply/apply-types.ts';
import type { KubeApi, ObjectTarget } from '../kube-api.ts';
import type { ReleaseState } from './rollout-state.ts';
import type { ReleaseSteps } from './rollout-steps.ts';
import { cloneForRelease, deploymentTarget, failureOf, GATEWAY_API_VERSION } from './rollout-steps.ts';
import type { RolloutWorkflowDeps, StartRelease } from './rollout-workflow-types.ts';

export const serviceTarget = (namespace: string, name: string): ObjectTarget & { namespace: string } => ({
  apiVersion: 'v1',
  kind: 'Service',
  namespace,
  name,
});

const invalid = (message: string) => new ApiFailure('invalid-request', message);

function backendService(release: ServiceRelease, objects: readonly KubeObject[], version: string) {
  const v =
    release.versions.find((x) => x.name === version) ??
    release.versions.find((x) => versionLabelOf(x.labels)?.value === version);
  if (!v)
    throw invalid(
      `'${version}' is not a version of ${release.id} (versions: ${release.versions.map((x) => x.name).join(', ')})`,
    );
  const svc = objects.find(
    (o) =>
      o.kind === 'Service' &&
      o.metadata.name === v.host &&
      (o.metadata.namespace ?? 'default') === release.namespace,
  );
  if (!svc) throw new ApiFailure('not-found', `version '${v.name}' has no backend Service ${v.host} to copy`);
  return { version: v.name, svc };
}

/** A new Gateway API rollout's state: the stable backend Service, its Deployment, the new Service's name. */
export function newGatewayRolloutState(
  context: string,
  input: StartRelease,
  release: ServiceRelease,
  objects: readonly KubeObject[],
  when: Date,
): { state: ReleaseState; stable: KubeObject } {
  const { version: stableVersion, svc } = backendService(release, objects, input.stableVersion);
  const stable = deploymentOfService(svc, objects);
  if (!stable)
    throw new ApiFailure('not-found', `no Deployment runs the pods of Service ${svc.metadata.name} to clone`);
  const selector = selectorOfService(svc);
  const label = versionLabelOf(selector);
  if (!label)
    throw invalid(
      `Service ${svc.metadata.name} selects no version label: a new version's pods cannot be told apart`,
    );
  const host = release.host.split('.')[0] ?? release.host;
  const service = versionServiceName(svc.metadata.name, label.value, host, input.version);
  if (
    objects.some(
      (o) => o.kind === 'Service' && o.metadata.name === service && o.metadata.namespace === input.namespace,
    )
  )
    throw new ApiFailure(
      'conflict',
      `Service ${service} exists already: version '${input.version}' is taken`,
    );
  const clone = cloneForRelease(stable, input);
  const at = when.toISOString();
  const state: ReleaseState = {
    id: `${input.namespace}.${host}.${input.version}`.toLowerCase(),
    context,
    namespace: input.namespace,
    serviceReleaseId: release.id,
    stable: { version: stableVersion, deployment: stable.metadata.name },
    canary: {
      version: service,
      deployment: clone.metadata.name,
      image: input.image,
      replicas: input.replicas,
      labels: { ...selector, [label.key]: input.version },
    },
    gateway: { stableService: svc.metadata.name, service, labelVersion: input.version },
    phase: 'creating',
    historyIds: [],
    createdAt: at,
    updatedAt: at,
  };
  return { state, stable };
}

/** Ready endpoints of a Service: its EndpointSlices, or its selected pods where slices are not served. */
export async function endpointsOf(api: KubeApi, svc: KubeObject): Promise<EndpointsReadiness> {
  const ns = svc.metadata.namespace ?? 'default';
  try {
    const slices = await api.list(
      'discovery.k8s.io/v1',
      'EndpointSlice',
      ns,
      `${SERVICE_NAME_LABEL}=${svc.metadata.name}`,
    );
    return readinessFromSlices(slices);
  } catch (err) {
    // Not served (the group's discovery or the list answers 404): read the pods instead.
    if ((err as { status?: number }).status !== 404) throw err;
  }
  const pods = await api.list('v1', 'Pod', ns, labelSelectorOf(selectorOfService(svc)));
  return readinessFromPods(svc, pods);
}

/** Whether any rule of an HTTPRoute sends requests to a Service of its own namespace by that name. */
export function routeRefersTo(route: KubeObject, service: string): boolean {
  const rules = (route.spec as { rules?: unknown } | undefined)?.rules;
  return (Array.isArray(rules) ? rules : []).some((rule) => {
    const refs = (rule as { backendRefs?: unknown } | null)?.backendRefs;
    return (Array.isArray(refs) ? refs : []).some((ref) => {
      const r = ref as { name?: unknown; kind?: unknown; group?: unknown; namespace?: unknown } | null;
      return (
        r?.name === service &&
        (r.kind ?? 'Service') === 'Service' &&
        (r.group ?? '') === '' &&
        (r.namespace === undefined || r.namespace === route.metadata.namespace)
      );
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Gateway API steps of one workflow. */
export function createGatewaySteps(deps: RolloutWorkflowDeps, steps: ReleaseSteps) {
  const { current, run, exists, emit, rolloutTimeoutMs } = steps;
  const note = (s: ReleaseState, message: string) => emit({ releaseId: s.id, type: 'note', message });

  async function createService(s: ReleaseState, service: string): Promise<KubeObject> {
    const live = await exists(serviceTarget(s.namespace, service));
    if (live) return live;
    const stableSvc = await deps.api.get(serviceTarget(s.namespace, s.gateway!.stableService));
    const object = versionService(stableSvc, {
      name: service,
      version: s.gateway!.labelVersion,
      releaseId: s.id,
    });
    const step: EngineStep = {
      id: 'create-service',
      description: `create Service ${service} (selector ${labelSelectorOf(selectorOfService(object))})`,
      target: serviceTarget(s.namespace, service),
      action: 'create',
      object,
    };
    await run(s, { releaseId: s.serviceReleaseId, steps: [step] }, undefined, step.description);
    return object;
  }

  async function awaitEndpoints(s: ReleaseState, svc: KubeObject): Promise<EndpointsReadiness> {
    const deadline = Date.now() + rolloutTimeoutMs;
    for (;;) {
      const r = await endpointsOf(deps.api, svc);
      if (r.ready > 0 && r.ready >= Math.min(s.canary.replicas, r.total)) return r;
      if (Date.now() > deadline)
        throw new ApiFailure(
          'timeout',
          `Service ${svc.metadata.name} has ${r.ready} ready endpoint(s) of ${r.total} after ${Math.round(rolloutTimeoutMs / 1000)} s: its backendRef was not added`,
        );
      await sleep(250);
    }
  }

  /** The version's Service, its endpoints ready, then its backendRef at weight 0 (each step only once). */
  async function addVersionBackend(s: ReleaseState): Promise<void> {
    const service = s.gateway!.service;
    const svc = await createService(s, service);
    const ready = await awaitEndpoints(s, svc);
    s.gateway!.endpointsReady = `Service ${service} created, endpoints ready (${ready.ready} ready, from ${ready.source}s)`;
    await steps.save(s);
    note(s, s.gateway!.endpointsReady);
    const { release, objects } = await current(s);
    if (release.defaultRoute?.destinations.some((d) => d.version === service)) return;
    const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === release.route.name);
    s.gateway!.backendRefsBefore = route ? (catchAllBackendRefs(release, route) ?? []) : [];
    await steps.save(s);
    const plan = planRelease(release, addBackendAtZero(release, service), objects);
    await run(s, plan, objects, `add backendRef ${service} at weight 0`);
  }

  /** Abort: the version out of the route (its rules and backendRef, its share to stable), then its Service and Deployment. */
  async function withdraw(s: ReleaseState): Promise<void> {
    const { release, objects } = await current(s);
    const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === release.route.name);
    const service = s.gateway!.service;
    if (route && release.defaultRoute) {
      // From the route as it is now: another rollout may have added or withdrawn its own backend
      // since this one was added, so the refs saved then are only a hint (see withdrawnBackendRefs).
      const patch = withdrawVersionOps(release, route, service, {
        stable: s.stable.version,
        before: s.gateway!.backendRefsBefore,
      });
      if (patch.length > 0) {
        const step: EngineStep = {
          id: 'update-route',
          description: `HTTPRoute ${route.metadata.name}: remove ${service} (its rules and backendRef), its share back to ${s.stable.version}`,
          target: {
            apiVersion: route.apiVersion,
            kind: 'HTTPRoute',
            namespace: s.namespace,
            name: route.metadata.name,
          },
          patch,
        };
        await run(s, { releaseId: s.serviceReleaseId, steps: [step] }, objects, step.description);
      }
    }
    for (const target of [
      serviceTarget(s.namespace, service),
      deploymentTarget(s.namespace, s.canary.deployment),
    ]) {
      const live = await exists(target);
      if (!live) continue;
      const rv = live.metadata.resourceVersion;
      const step: EngineStep = {
        id: `delete-${target.kind.toLowerCase()}`,
        description: `delete ${target.kind} ${target.name}`,
        target: { ...target, namespace: s.namespace },
        action: 'delete',
        ...(rv ? { preconditions: { resourceVersion: rv } } : {}),
      };
      await run(s, { releaseId: s.serviceReleaseId, steps: [step] }, [live], step.description);
    }
  }

  /**
   * After finalize, the old version's backend Service is offered for deletion, never deleted on its
   * own: the plan (for review) deletes it only while no HTTPRoute of the namespace refers to it.
   */
  async function planRetireService(s: ReleaseState) {
    const name = s.gateway!.stableService;
    const routes = await deps.api.list(GATEWAY_API_VERSION, 'HTTPRoute', s.namespace);
    const using = routes.filter((r) => routeRefersTo(r, name));
    if (using.length > 0)
      throw invalid(
        `Service ${name} is still a backend of HTTPRoute ${using.map((r) => r.metadata.name).join(', ')}: it is not deleted`,
      );
    const live = await exists(serviceTarget(s.namespace, name));
    if (!live) throw new ApiFailure('not-found', `Service ${name} is gone already`);
    const rv = live.metadata.resourceVersion;
    const step: EngineStep = {
      id: 'delete-service',
      description: `delete Service ${name} (the old version's backend)`,
      target: serviceTarget(s.namespace, name),
      action: 'delete',
      ...(rv ? { preconditions: { resourceVersion: rv } } : {}),
    };
    return {
      plan: { releaseId: s.serviceReleaseId, steps: [step] },
      objects: [live],
      description: step.description,
    };
  }

  return { addVersionBackend, withdraw, planRetireService };
}

/** Deleting the old version's backend Service after finalize: planned for review, or applied headless. */
export function createServiceRetirement(
  steps: ReleaseSteps,
  retirePlanOf: (
    s: ReleaseState,
  ) => Promise<{ plan: EnginePlan; objects: KubeObject[]; description: string }>,
) {
  const { load, save, requirePhase, guarded } = steps;

  async function planRetireService(id: string) {
    const s = await load(id);
    requirePhase(s, ['finalized'], 'delete the old Service of');
    if (!s.gateway) throw invalid(`release ${s.id} is on Istio: its versions are subsets, not Services`);
    if (s.gateway.stableServiceDeleted)
      throw invalid(`Service ${s.gateway.stableService} was deleted already`);
    const planned = await retirePlanOf(s).catch((err: unknown) => {
      throw failureOf(err);
    });
    return { state: s, ...planned };
  }

  async function markServiceRetired(id: string, historyId?: string): Promise<ReleaseState> {
    const s = await load(id);
    if (!s.gateway) return s;
    if (historyId) s.historyIds.push(historyId);
    s.gateway.stableServiceDeleted = true;
    return save(s);
  }

  return {
    planRetireService,
    markServiceRetired,
    async retireService(id: string) {
      const { state: s, plan, objects, description } = await planRetireService(id);
      return guarded(s, async () => {
        await steps.run(s, plan, objects, description);
        return markServiceRetired(id, s.historyIds.at(-1));
      });
    },
  };
}
