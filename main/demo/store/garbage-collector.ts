// ownerReference garbage collection for the demo store: when an object goes, the objects that
// name it as an owner go too, unless another owner of theirs is still alive (as the
// kube-controller-manager's collector does with background propagation).
import type { KubeObject } from './object-store.ts';

/** Where a dependent lives: its storage key and its key within that type. */
export interface ObjectRef {
  storageKey: string;
  key: string;
}

export interface CollectorHooks {
  /** The object currently stored at `ref`, if any. */
  objectAt(ref: ObjectRef): KubeObject | undefined;
  /** Deletes the object at `ref` (the store emits DELETED and calls `forget`). */
  remove(ref: ObjectRef): void;
}

/**
 * Indexes live uids and owner uid → dependents, so collecting after a delete costs only the
 * dependents' own owner references instead of a scan of every stored object per dependent.
 */
export class GarbageCollector {
  private readonly live = new Set<string>();
  /** Owner uid → dependents, by `storageKey\nkey`. */
  private readonly dependents = new Map<string, Map<string, ObjectRef>>();

  constructor(private readonly hooks: CollectorHooks) {}

  /** Records a stored object (after create or update); `previous` is the version it replaces. */
  track(ref: ObjectRef, obj: KubeObject, previous?: KubeObject): void {
    if (previous) {
      if (previous.metadata.ownerReferences === obj.metadata.ownerReferences) return;
      this.unindexOwners(ref, previous);
    } else if (obj.metadata.uid) this.live.add(obj.metadata.uid);
    this.indexOwners(ref, obj);
  }

  /** Forgets a removed object (its dependents stay indexed until `collect` runs for its uid). */
  forget(ref: ObjectRef, obj: KubeObject): void {
    if (obj.metadata.uid) this.live.delete(obj.metadata.uid);
    this.unindexOwners(ref, obj);
  }

  /** Deletes every object whose owners are all gone now that `uid` is, and so on down the chain. */
  collect(uid: string | undefined): void {
    if (!uid) return;
    const refs = this.dependents.get(uid);
    if (!refs) return;
    this.dependents.delete(uid);
    for (const ref of refs.values()) {
      const obj = this.hooks.objectAt(ref);
      if (!obj) continue;
      const owners = obj.metadata.ownerReferences ?? [];
      if (owners.some((o) => o.uid !== uid && o.uid && this.live.has(o.uid))) continue;
      this.hooks.remove(ref);
      this.collect(obj.metadata.uid);
    }
  }

  private indexOwners(ref: ObjectRef, obj: KubeObject): void {
    for (const o of obj.metadata.ownerReferences ?? []) {
      if (!o.uid) continue;
      let refs = this.dependents.get(o.uid);
      if (!refs) {
        refs = new Map();
        this.dependents.set(o.uid, refs);
      }
      refs.set(`${ref.storageKey}\n${ref.key}`, ref);
    }
  }

  private unindexOwners(ref: ObjectRef, obj: KubeObject): void {
    for (const o of obj.metadata.ownerReferences ?? []) {
      if (!o.uid) continue;
      const refs = this.dependents.get(o.uid);
      refs?.delete(`${ref.storageKey}\n${ref.key}`);
      if (refs?.size === 0) this.dependents.delete(o.uid);
    }
  }
}
