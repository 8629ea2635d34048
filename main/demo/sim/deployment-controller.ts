import type { SeededRandom } from '../seed/seeded-random.ts';
import { rfc3339At } from '../store/compact-strings.ts';
import type { KubeObject, ObjectStore, ResourceType, StoreEvent } from '../store/object-store.ts';
import { OwnerIndex } from './owner-index.ts';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash } from './pod-template-hash.ts';
import {
  CONTROLLER_MANAGER,
  controllerOf,
  isPodReady,
  ownerReferenceTo,
  ReplicaSetPods,
  specReplicas,
  withoutResourceVersion,
  writeStatusIfChanged,
} from './replica-set-pods.ts';
import { objectKey, type SimResourceTypes } from './sim-resource-types.ts';

const REVISION = 'deployment.kubernetes.io/revision';

export interface DeploymentControllerDeps {
  store: ObjectStore;
  types: SimResourceTypes;
  random: SeededRandom;
  now: () => number;
  podReadyDelayMs: number;
  /** Called when work is pending (a change arrived or a pod will become ready); the owner then calls sync(). */
  onWork?: () => void;
}

export interface DeploymentController {
  /** Reconciles every changed Deployment until nothing changes; returns ms until the next pod is due to become ready. */
  sync(): number | undefined;
  /** Marks every Deployment for reconciliation (used at start). */
  markAll(): void;
  dispose(): void;
}

interface DeploymentSpecLike {
  replicas?: number;
  paused?: boolean;
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string> } };
  strategy?: {
    type?: string;
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
}

/** An int-or-percent of `total`, rounded as Kubernetes does (surge up, unavailable down). */
export function resolveIntOrPercent(
  value: number | string | undefined,
  fallback: string,
  total: number,
  roundUp: boolean,
): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return Math.max(0, Math.floor(v));
  const m = /^(\d+)%$/.exec(v.trim());
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n) && n >= 0) return n;
    throw new Error(`invalid int-or-percent value '${v}' in deployment strategy`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function revisionOf(obj: KubeObject): number {
  return Number(obj.metadata.annotations?.[REVISION] ?? 0) || 0;
}

function withReplicas(rs: KubeObject, replicas: number): KubeObject {
  return withoutResourceVersion({ ...rs, spec: { ...(rs.spec as object), replicas } });
}

function withAnnotation(obj: KubeObject, key: string, value: string): KubeObject {
  const annotations = { ...(obj.metadata.annotations ?? {}), [key]: value };
  return withoutResourceVersion({ ...obj, metadata: { ...obj.metadata, annotations } });
}

/**
 * Deployment → ReplicaSet → Pod, as the kube-controller-manager does it: one ReplicaSet per pod
 * template (named `<deployment>-<pod-template-hash>`), rolling updates bounded by maxSurge and
 * maxUnavailable (25%/25% by default), scale changes, and a status that `kubectl rollout status`
 * reads. Work is event-driven: store events mark Deployments dirty, `sync()` settles them.
 */
export function createDeploymentController(deps: DeploymentControllerDeps): DeploymentController {
  const { store, types } = deps;
  const rsIndex = new OwnerIndex('Deployment');
  const podIndex = new OwnerIndex('ReplicaSet');
  const pods = new ReplicaSetPods({ ...deps, podIndex });
  const dirty = new Set<string>();
  /** ReplicaSet key → owning Deployment key, so pod events find their Deployment without a lookup chain. */
  const rsOwner = new Map<string, string>();

  /** Template hash per Deployment uid, recomputed only when the generation (the spec) changes. */
  const hashes = new Map<string, { generation: number | undefined; hash: string }>();
  function templateHashOf(dep: KubeObject, spec: DeploymentSpecLike): string {
    const uid = dep.metadata.uid ?? objectKey(dep.metadata.namespace, dep.metadata.name);
    const cached = hashes.get(uid);
    if (cached && cached.generation !== undefined && cached.generation === dep.metadata.generation)
      return cached.hash;
    const hash = podTemplateHash(spec.template);
    hashes.set(uid, { generation: dep.metadata.generation, hash });
    return hash;
  }

  /** Indexes a ReplicaSet that exists without an event for it, and records its owning Deployment. */
  const trackReplicaSet = (rs: KubeObject) => {
    rsIndex.upsert(rs);
    const owner = controllerOf(rs, 'Deployment');
    if (owner)
      rsOwner.set(
        objectKey(rs.metadata.namespace, rs.metadata.name),
        objectKey(rs.metadata.namespace, owner.name),
      );
  };

  const mark = (key: string) => {
    if (!dirty.has(key)) {
      dirty.add(key);
      deps.onWork?.();
    }
  };

  const onEvent = (ev: StoreEvent) => {
    const obj = ev.object;
    const ns = obj.metadata.namespace;
    if (ev.resource.kind === 'Deployment' && ev.resource.group === 'apps') {
      if (ev.type === 'DELETED' && obj.metadata.uid) hashes.delete(obj.metadata.uid);
      mark(objectKey(ns, obj.metadata.name));
    } else if (ev.resource.kind === 'ReplicaSet' && ev.resource.group === 'apps') {
      const owner = controllerOf(obj, 'Deployment');
      const rsKey = objectKey(ns, obj.metadata.name);
      if (ev.type === 'DELETED') {
        rsOwner.delete(rsKey);
        rsIndex.remove(obj);
      } else rsIndex.upsert(obj);
      if (!owner) return;
      const depKey = objectKey(ns, owner.name);
      if (ev.type !== 'DELETED') rsOwner.set(rsKey, depKey);
      mark(depKey);
    } else if (ev.resource.kind === 'Pod' && ev.resource.group === '') {
      if (ev.type === 'DELETED') {
        pods.forget(objectKey(ns, obj.metadata.name));
        podIndex.remove(obj);
      } else podIndex.upsert(obj);
      const owner = controllerOf(obj, 'ReplicaSet');
      if (!owner) return;
      const depKey = rsOwner.get(objectKey(ns, owner.name));
      if (depKey) mark(depKey);
    }
  };
  const unsubscribeEvents = store.subscribe(onEvent);
  // Generated filler kept as templates is settled and indexed only once written: its objects then
  // arrive here (no watch event) before the write that made them stored objects.
  const unsubscribeMaterialised = store.subscribeMaterialised?.((objects) => {
    for (const ev of objects) {
      const { kind, group } = ev.resource;
      const obj = ev.object;
      if (kind === 'ReplicaSet' && group === 'apps') {
        trackReplicaSet(obj);
      } else if (kind === 'Pod' && group === '') podIndex.upsert(obj);
    }
  });
  const unsubscribe = () => {
    unsubscribeEvents();
    unsubscribeMaterialised?.();
  };

  function ownedReplicaSets(dep: KubeObject): KubeObject[] {
    return rsIndex.children(dep.metadata.uid);
  }

  function createReplicaSet(dep: KubeObject, hash: string, revision: number, replicas: number): KubeObject {
    const spec = dep.spec as DeploymentSpecLike;
    // The stored Deployment is deep-frozen: the ReplicaSet shares its template's untouched parts.
    const template = { ...(spec.template ?? {}) } as {
      metadata?: { labels?: Record<string, string> };
    };
    template.metadata = {
      ...(template.metadata ?? {}),
      labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
    };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${dep.metadata.name}-${hash}`,
        namespace: dep.metadata.namespace,
        labels: { ...(template.metadata.labels ?? {}) },
        annotations: {
          [REVISION]: String(revision),
          'deployment.kubernetes.io/desired-replicas': String(specReplicas(dep)),
        },
        ownerReferences: [ownerReferenceTo(dep)],
      },
      spec: {
        replicas,
        selector: { matchLabels: { ...(spec.selector?.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
        template,
      },
    };
    const created = store.create(rs, { manager: CONTROLLER_MANAGER });
    rsOwner.set(
      objectKey(dep.metadata.namespace, created.metadata.name),
      objectKey(dep.metadata.namespace, dep.metadata.name),
    );
    return created;
  }

  function scale(rs: KubeObject, replicas: number): KubeObject {
    if (specReplicas(rs) === replicas) return rs;
    return store.update(withReplicas(rs, replicas), { manager: CONTROLLER_MANAGER });
  }

  function readyCount(rs: KubeObject): number {
    return pods.podsOf(rs).filter(isPodReady).length;
  }

  function setDeploymentRevision(dep: KubeObject, revision: number): KubeObject {
    if (revisionOf(dep) === revision) return dep;
    return store.update(withAnnotation(dep, REVISION, String(revision)), { manager: CONTROLLER_MANAGER });
  }

  function rollingUpdate(
    desired: number,
    newRs: KubeObject,
    olds: KubeObject[],
    spec: DeploymentSpecLike,
  ): void {
    const maxSurge = resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxSurge, '25%', desired, true);
    let maxUnavailable = resolveIntOrPercent(
      spec.strategy?.rollingUpdate?.maxUnavailable,
      '25%',
      desired,
      false,
    );
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    let current = newRs;
    const total = () => olds.reduce((n, rs) => n + specReplicas(rs), specReplicas(current));
    // Scale up the new ReplicaSet within the surge budget (or down to `desired` after a scale-in).
    if (specReplicas(current) > desired) current = scale(current, desired);
    const room = desired + maxSurge - total();
    if (room > 0 && specReplicas(current) < desired) {
      current = scale(current, specReplicas(current) + Math.min(room, desired - specReplicas(current)));
    }
    // Scale down old ReplicaSets: unhealthy replicas first, then as far as availability allows.
    const minAvailable = desired - maxUnavailable;
    const newUnavailable = specReplicas(current) - readyCount(current);
    let maxScaledDown = total() - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    const oldest = [...olds].sort((a, b) => revisionOf(a) - revisionOf(b));
    for (let i = 0; i < oldest.length && maxScaledDown > 0; i++) {
      const rs = oldest[i] as KubeObject;
      const unhealthy = specReplicas(rs) - readyCount(rs);
      if (unhealthy <= 0) continue;
      const down = Math.min(maxScaledDown, unhealthy);
      oldest[i] = scale(rs, specReplicas(rs) - down);
      maxScaledDown -= down;
    }
    const available = oldest.reduce((n, rs) => n + readyCount(rs), readyCount(current));
    let budget = available - minAvailable;
    for (let i = 0; i < oldest.length && budget > 0; i++) {
      const rs = oldest[i] as KubeObject;
      const down = Math.min(specReplicas(rs), budget);
      if (down <= 0) continue;
      scale(rs, specReplicas(rs) - down);
      budget -= down;
    }
  }

  function reconcile(key: string): void {
    const slash = key.indexOf('/');
    const dep = store.get(types.deployment, key.slice(0, slash), key.slice(slash + 1));
    if (!dep || typeof dep.metadata.deletionTimestamp === 'string') return;
    const spec = (dep.spec ?? {}) as DeploymentSpecLike;
    const desired = specReplicas(dep);
    const hash = templateHashOf(dep, spec);
    let owned = ownedReplicaSets(dep);
    let newRs = owned.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
    const maxRevision = owned.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    let current = dep;
    if (!spec.paused) {
      if (!newRs) {
        // A first rollout (no old pods) starts at full size; a template change starts at zero and surges.
        const oldActive = owned.some((rs) => specReplicas(rs) > 0 || pods.podsOf(rs).length > 0);
        newRs = createReplicaSet(dep, hash, maxRevision + 1, oldActive ? 0 : desired);
      } else if (revisionOf(newRs) < maxRevision) {
        // Rolling back to an earlier template: its ReplicaSet becomes the newest revision again.
        newRs = store.update(withAnnotation(newRs, REVISION, String(maxRevision + 1)), {
          manager: CONTROLLER_MANAGER,
        });
      }
      current = setDeploymentRevision(dep, revisionOf(newRs));
      const newName = newRs.metadata.name;
      const olds = ownedReplicaSets(dep).filter((rs) => rs.metadata.name !== newName);
      const oldActive = olds.some((rs) => specReplicas(rs) > 0 || pods.podsOf(rs).length > 0);
      if (!oldActive) scale(newRs, desired);
      else if (spec.strategy?.type === 'Recreate') {
        for (const rs of olds) scale(rs, 0);
        if (olds.every((rs) => pods.podsOf(rs).length === 0)) scale(newRs, desired);
      } else rollingUpdate(desired, newRs, olds, spec);
    }
    owned = ownedReplicaSets(dep);
    for (const rs of owned) pods.sync(rs);
    writeDeploymentStatus(current, ownedReplicaSets(dep), newRs, spec, desired);
  }

  function writeDeploymentStatus(
    dep: KubeObject,
    owned: KubeObject[],
    newRs: KubeObject | undefined,
    spec: DeploymentSpecLike,
    desired: number,
  ): void {
    let replicas = 0;
    let ready = 0;
    let updated = 0;
    let totalSpec = 0;
    for (const rs of owned) {
      const rsPods = pods.podsOf(rs);
      replicas += rsPods.length;
      ready += rsPods.filter(isPodReady).length;
      totalSpec += specReplicas(rs);
      if (newRs && rs.metadata.name === newRs.metadata.name) updated = rsPods.length;
    }
    const maxUnavailable = resolveIntOrPercent(
      spec.strategy?.rollingUpdate?.maxUnavailable,
      '25%',
      desired,
      false,
    );
    const generation = dep.metadata.generation ?? 1;
    const complete = updated === desired && replicas === desired && ready === desired;
    const previous =
      (dep.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions ?? [];
    const at = rfc3339At(deps.now());
    const condition = (type: string, status: string, reason: string, message: string) => {
      const old = previous.find((c) => c.type === type);
      const same = old && old.status === status && old.reason === reason && old.message === message;
      return {
        type,
        status,
        lastUpdateTime: same ? old.lastUpdateTime : at,
        lastTransitionTime: old && old.status === status ? old.lastTransitionTime : at,
        reason,
        message,
      };
    };
    const availableOk = ready >= desired - maxUnavailable;
    const rsName = newRs?.metadata.name ?? dep.metadata.name;
    const status: Record<string, unknown> = {
      observedGeneration: generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(Math.max(0, totalSpec - ready) > 0 ? { unavailableReplicas: Math.max(0, totalSpec - ready) } : {}),
      conditions: [
        availableOk
          ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : condition(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ),
        spec.paused
          ? condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused')
          : complete
            ? condition(
                'Progressing',
                'True',
                'NewReplicaSetAvailable',
                `ReplicaSet "${rsName}" has successfully progressed.`,
              )
            : condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`),
      ],
    };
    writeStatusIfChanged(store, dep, status);
  }

  function sync(): number | undefined {
    for (const rsKey of pods.promoteDuePods()) {
      const depKey = rsOwner.get(rsKey);
      if (depKey) dirty.add(depKey);
    }
    // Our own writes mark Deployments dirty again; a settled Deployment writes nothing, so this ends.
    for (let round = 0; round < 20 && dirty.size > 0; round++) {
      const batch = [...dirty];
      dirty.clear();
      for (const key of batch) reconcile(key);
    }
    return pods.nextDueInMs();
  }

  function markAll(): void {
    // Template-backed filler is settled already (its templates were made by this controller).
    const list = (type: ResourceType) => (store.listWritten ? store.listWritten(type) : store.list(type));
    for (const dep of list(types.deployment)) dirty.add(objectKey(dep.metadata.namespace, dep.metadata.name));
    for (const pod of list(types.pod)) podIndex.upsert(pod);
    for (const rs of list(types.replicaSet)) trackReplicaSet(rs);
    deps.onWork?.();
  }

  return { sync, markAll, dispose: unsubscribe };
}
