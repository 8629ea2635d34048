// Rules every write follows beyond validation: server-side defaults, and when an update changes nothing.
import type { ManagedFieldsEntry } from './managed-fields.ts';
import { entrySet } from './managed-fields.ts';
import type { KubeObject } from './object-store.ts';
import type { ServedResource } from './resource-types.ts';

export function sameOwnership(a: ManagedFieldsEntry[], b: ManagedFieldsEntry[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((e, i) => {
    const o = b[i];
    if (!o || o.manager !== e.manager || o.operation !== e.operation) return false;
    const x = entrySet(e);
    const y = entrySet(o);
    return x.size === y.size && [...x].every((p) => y.has(p));
  });
}

export function isUnchanged(old: KubeObject, next: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { managedFields, resourceVersion, ...meta } = o.metadata;
    void resourceVersion;
    const owners = ((managedFields ?? []) as ManagedFieldsEntry[]).map((e) => ({ ...e, time: '' }));
    return JSON.stringify({ ...o, metadata: meta, owners });
  };
  return strip(old) === strip(next);
}

/** The few server-side defaults kubectl's printers and the simulation rely on. */
export function applyDefaults(t: ServedResource, obj: KubeObject, nextClusterIp: () => string): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  if (t.storageKey === '/namespaces') {
    obj.spec = { finalizers: ['kubernetes'], ...spec };
    obj.status = { phase: 'Active', ...((obj.status as object) ?? {}) };
  } else if (t.storageKey === '/services') {
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
      spec.clusterIP = nextClusterIp();
      spec.clusterIPs = [spec.clusterIP];
    }
    obj.spec = spec;
  } else if (t.storageKey === 'apps/deployments' || t.storageKey === 'apps/replicasets') {
    spec.replicas ??= 1;
    if (t.storageKey === 'apps/deployments') {
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    }
    obj.spec = spec;
  }
}
