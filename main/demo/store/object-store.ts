// The contract between the demo API server (engineer C) and the simulation (engineer D).
// Keep it stable: the simulation's controllers code against exactly these names.
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

export type { KubeObject };

/** One REST resource the demo server serves (one group/version/resource triple). */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  listKind: string;
  subresources?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface StoreEvent {
  type: Exclude<WatchEventType, 'BOOKMARK'>;
  resource: ResourceType;
  object: KubeObject;
}

export interface ObjectStore {
  types(): ResourceType[];
  /** The served type for `apiVersion` + `kind` (e.g. 'networking.istio.io/v1beta1', 'VirtualService'). */
  typeFor(apiVersion: string, kind: string): ResourceType | undefined;
  /** Objects of a type, in one namespace or all; apiVersion reflects `type.version`. Treat them as read-only. */
  list(type: ResourceType, namespace?: string): KubeObject[];
  /**
   * Visits the objects of a type in list order, each made only when visited: a start-up scan of
   * 50,000 generated pods keeps one alive at a time instead of a list of all of them.
   */
  forEach(type: ResourceType, visit: (obj: KubeObject) => void): void;
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Sets uid, resourceVersion, generation, creationTimestamp, managedFields; throws KubeStatusError (409 AlreadyExists, 422). */
  create(obj: KubeObject, opts?: { manager?: string }): KubeObject;
  /** Optimistic concurrency when metadata.resourceVersion is set; bumps generation only on spec change. */
  update(obj: KubeObject, opts?: { manager?: string; subresource?: 'status' | 'scale' }): KubeObject;
  /** Throws KubeStatusError 404 when missing; dependents (ownerReferences, namespace contents) are collected. */
  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject;
  /** Listeners run synchronously, in commit order, after each change. */
  subscribe(listener: (ev: StoreEvent) => void): () => void;
  readonly resourceVersion: number;
  /**
   * Like list, without the generated filler still served from templates (never written): a
   * controller that has nothing to do for those reads this, and learns of them through
   * subscribeMaterialised once they are written.
   */
  listWritten?(type: ResourceType, namespace?: string): KubeObject[];
  /**
   * Listeners get the objects of a template-backed index when its first write makes them stored
   * objects (just before that write commits). Not a watch event: nothing changed in them.
   */
  subscribeMaterialised?(listener: (objects: StoreEvent[]) => void): () => void;
}
