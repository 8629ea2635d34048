import type { KubeObject } from '../store/object-store.ts';
import { objectKey } from './sim-resource-types.ts';

/**
 * Children by the uid of their controlling owner, kept current from store events. The controllers
 * read their ReplicaSets and pods from here instead of listing a namespace on every reconcile,
 * which keeps a mesh of thousands of Deployments cheap to settle.
 */
export class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, KubeObject>>();
  private readonly ownerOf = new Map<string, string>();

  constructor(private readonly ownerKind: string) {}

  upsert(obj: KubeObject): void {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const ref = obj.metadata.ownerReferences?.find(
      (r) => r.kind === this.ownerKind && r.controller !== false,
    );
    const previous = this.ownerOf.get(key);
    if (previous !== undefined && previous !== ref?.uid) this.remove(obj);
    if (!ref?.uid) return;
    let children = this.byOwner.get(ref.uid);
    if (!children) {
      children = new Map();
      this.byOwner.set(ref.uid, children);
    }
    children.set(key, obj);
    this.ownerOf.set(key, ref.uid);
  }

  remove(obj: KubeObject): void {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const uid = this.ownerOf.get(key);
    if (uid === undefined) return;
    this.ownerOf.delete(key);
    const children = this.byOwner.get(uid);
    children?.delete(key);
    if (children?.size === 0) this.byOwner.delete(uid);
  }

  children(ownerUid: string | undefined): KubeObject[] {
    if (!ownerUid) return [];
    const children = this.byOwner.get(ownerUid);
    return children ? [...children.values()] : [];
  }
}
