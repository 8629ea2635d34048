import type { SeededRandom } from '../seed/seeded-random.ts';
import { rfc3339At } from '../store/compact-strings.ts';
import type { KubeObject, ObjectStore } from '../store/object-store.ts';
import type { OwnerIndex } from './owner-index.ts';
import { objectKey, type SimResourceTypes } from './sim-resource-types.ts';

export const CONTROLLER_MANAGER = 'demo-controller';
const NODE_NAME = 'demo-node-1';
const HOST_IP = '172.18.0.2';

type OwnerRef = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

export function controllerOf(obj: KubeObject, kind: string): OwnerRef | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.kind === kind && r.controller !== false);
}

export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerOf(obj, owner.kind);
  if (!ref) return false;
  return ref.uid && owner.metadata.uid ? ref.uid === owner.metadata.uid : ref.name === owner.metadata.name;
}

export function ownerReferenceTo(owner: KubeObject): OwnerRef {
  // blockOwnerDeletion is part of the Kubernetes shape even though the shared type does not name it.
  const ref = {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    ...(owner.metadata.uid ? { uid: owner.metadata.uid } : {}),
    controller: true,
    blockOwnerDeletion: true,
  };
  return ref;
}

interface PodStatusLike {
  phase?: string;
  conditions?: Array<{ type: string; status: string }>;
}

export function isPodReady(pod: KubeObject): boolean {
  const status = pod.status as PodStatusLike | undefined;
  return (
    status?.phase === 'Running' && !!status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

function isTerminating(pod: KubeObject): boolean {
  return typeof pod.metadata.deletionTimestamp === 'string';
}

function iso(ms: number): string {
  return rfc3339At(ms);
}

export function specReplicas(obj: KubeObject): number {
  const r = (obj.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof r === 'number' && Number.isFinite(r) ? Math.max(0, Math.floor(r)) : 1;
}

/** A shallow copy that writes without optimistic concurrency (the controller owns these fields). */
export function withoutResourceVersion(obj: KubeObject): KubeObject {
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return { ...obj, metadata: metadata as KubeObject['metadata'] };
}

/** Writes the status subresource only when it differs, so an idle mesh produces no watch events. */
export function writeStatusIfChanged(
  store: ObjectStore,
  obj: KubeObject,
  status: Record<string, unknown>,
): void {
  if (JSON.stringify(obj.status ?? {}) === JSON.stringify(status)) return;
  // The store copies what it keeps; only the status of this shallow copy is read.
  store.update(withoutResourceVersion({ ...obj, status }), {
    manager: CONTROLLER_MANAGER,
    subresource: 'status',
  });
}

export interface ReplicaSetPodsDeps {
  store: ObjectStore;
  types: SimResourceTypes;
  random: SeededRandom;
  now: () => number;
  podReadyDelayMs: number;
  /** Pods by owning ReplicaSet uid, kept current by the controller's store subscription. */
  podIndex: OwnerIndex;
}

/**
 * The ReplicaSet half of the controllers: keeps the number of pods at `spec.replicas`, makes new
 * pods Ready after the readiness delay, and reports ready counts back in the ReplicaSet's status.
 */
export class ReplicaSetPods {
  /** When each not-yet-ready pod becomes Ready (pod key → epoch ms). */
  private readonly readyAt = new Map<string, number>();

  constructor(private readonly deps: ReplicaSetPodsDeps) {}

  podsOf(rs: KubeObject): KubeObject[] {
    return this.deps.podIndex.children(rs.metadata.uid).filter((p) => !isTerminating(p));
  }

  /** Creates or deletes pods until the count matches, then refreshes the status; returns the pods. */
  sync(rs: KubeObject): KubeObject[] {
    const want = specReplicas(rs);
    let pods = this.podsOf(rs);
    if (pods.length < want) {
      for (let i = pods.length; i < want; i++) this.createPod(rs);
      pods = this.podsOf(rs);
    } else if (pods.length > want) {
      // Unready pods go first, then the youngest, as the ReplicaSet controller's ranking does.
      const ranked = [...pods].sort((a, b) => {
        const ready = Number(isPodReady(a)) - Number(isPodReady(b));
        if (ready !== 0) return ready;
        return String(b.metadata.creationTimestamp ?? '').localeCompare(
          String(a.metadata.creationTimestamp ?? ''),
        );
      });
      for (const pod of ranked.slice(0, pods.length - want)) this.deletePod(pod);
      pods = this.podsOf(rs);
    }
    for (const pod of pods) if (!isPodReady(pod) && !this.readyAt.has(this.podKey(pod))) this.schedule(pod);
    const ready = pods.filter(isPodReady).length;
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    writeStatusIfChanged(this.deps.store, rs, status);
    return pods;
  }

  /** Flips pods whose delay has passed to Running/Ready; returns the ReplicaSets that changed. */
  promoteDuePods(): Set<string> {
    const changed = new Set<string>();
    const now = this.deps.now();
    for (const [key, at] of this.readyAt) {
      if (at > now) continue;
      this.readyAt.delete(key);
      const slash = key.indexOf('/');
      const pod = this.deps.store.get(this.deps.types.pod, key.slice(0, slash), key.slice(slash + 1));
      if (!pod || isPodReady(pod)) continue;
      writeStatusIfChanged(this.deps.store, pod, this.runningStatus(pod, now));
      const owner = controllerOf(pod, 'ReplicaSet');
      if (owner) changed.add(objectKey(pod.metadata.namespace, owner.name));
    }
    return changed;
  }

  /** Milliseconds until the next pod becomes ready, or undefined when none is waiting. */
  nextDueInMs(): number | undefined {
    let min: number | undefined;
    for (const at of this.readyAt.values()) min = min === undefined ? at : Math.min(min, at);
    return min === undefined ? undefined : Math.max(0, min - this.deps.now());
  }

  forget(podKey: string): void {
    this.readyAt.delete(podKey);
  }

  private podKey(pod: KubeObject): string {
    return objectKey(pod.metadata.namespace, pod.metadata.name);
  }

  private schedule(pod: KubeObject): void {
    this.readyAt.set(this.podKey(pod), this.deps.now() + this.deps.podReadyDelayMs);
  }

  private createPod(rs: KubeObject): void {
    const { store, types, random } = this.deps;
    const template = (
      rs.spec as {
        template?: {
          metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
          spec?: Record<string, unknown>;
        };
      }
    ).template;
    const namespace = rs.metadata.namespace ?? 'default';
    let name = '';
    do name = `${rs.metadata.name}-${random.suffix(5)}`;
    while (store.get(types.pod, namespace, name));
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: { ...(template?.metadata?.labels ?? {}) },
        ...(template?.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [ownerReferenceTo(rs)],
      },
      // The ReplicaSet is stored deep-frozen: the pod shares its template's containers.
      spec: { ...(template?.spec ?? {}), nodeName: NODE_NAME },
      status: this.pendingStatus(),
    };
    const created = store.create(pod, { manager: CONTROLLER_MANAGER });
    if ((created.status as PodStatusLike | undefined)?.phase !== 'Pending') {
      writeStatusIfChanged(store, created, this.pendingStatus());
    }
    this.schedule(created);
  }

  private deletePod(pod: KubeObject): void {
    this.readyAt.delete(this.podKey(pod));
    try {
      this.deps.store.delete(this.deps.types.pod, pod.metadata.namespace, pod.metadata.name);
    } catch {
      // Already gone (deleted by someone else in the same tick): nothing left to do.
    }
  }

  private pendingStatus(): Record<string, unknown> {
    const at = iso(this.deps.now());
    return {
      phase: 'Pending',
      hostIP: HOST_IP,
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: at }],
      qosClass: 'Burstable',
    };
  }

  private runningStatus(pod: KubeObject, now: number): Record<string, unknown> {
    const at = iso(now);
    const started = String(pod.metadata.creationTimestamp ?? at);
    const containers = (
      (pod.spec as { containers?: Array<{ name: string; image: string }> } | undefined)?.containers ?? []
    ).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image.split(':')[0]}@sha256:${this.deps.random.suffix(12)}`,
      containerID: `containerd://${this.deps.random.suffix(16)}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: at } },
    }));
    const condition = (type: string) => ({ type, status: 'True', lastTransitionTime: at });
    return {
      phase: 'Running',
      hostIP: HOST_IP,
      podIP: `10.244.${this.deps.random.int(256)}.${1 + this.deps.random.int(254)}`,
      startTime: started,
      conditions: [
        condition('Initialized'),
        condition('Ready'),
        condition('ContainersReady'),
        condition('PodScheduled'),
      ],
      containerStatuses: containers,
      qosClass: 'Burstable',
    };
  }
}
