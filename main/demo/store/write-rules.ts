// Rules every write follows beyond validation: server-side defaults, and when an update changes nothing.
import type { ManagedFieldsEntry } from './managed-fields.ts';
import { entrySet } from './managed-fields.ts';
import type { KubeObject } from './object-store.ts';
import type { ServedResource } from './resource-types.ts';
import { cloneUnlessFrozen } from './stored-object.ts';

export function sameOwnership(a: ManagedFieldsEntry[], b: ManagedFieldsEntry[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((e, i) => {
    const o = b[i];
    if (!o || o.manager !== e.manager || o.operation !== e.operation) return false;
    const x = entrySet(e);
    const y = entrySet(o);
    return x.size === y.size && [...x].every((p) => y.has(p));
  });
}

/**
 * Whether an update would store the same object: equal as JSON (key order included), ignoring
 * resourceVersion and the times in managedFields. Compared in place, skipping shared subtrees,
 * because stored objects are large and most writes share most of them with the old version.
 */
export function isUnchanged(old: KubeObject, next: KubeObject): boolean {
  const ka = visibleKeys(old);
  const kb = visibleKeys(next);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i]) return false;
    if (k === 'metadata') {
      if (!sameMetadata(old.metadata, next.metadata)) return false;
    } else if (!jsonEqual(old[k], next[k])) return false;
  }
  return sameOwners(old.metadata.managedFields, next.metadata.managedFields);
}

type Meta = KubeObject['metadata'];

function sameMetadata(a: Meta, b: Meta): boolean {
  if (a === b) return true;
  const skip = (k: string) => k !== 'managedFields' && k !== 'resourceVersion';
  const ka = visibleKeys(a).filter(skip);
  const kb = visibleKeys(b).filter(skip);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && jsonEqual(a[k], b[k]));
}

function sameOwners(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = (a ?? []) as ManagedFieldsEntry[];
  const y = (b ?? []) as ManagedFieldsEntry[];
  if (x.length !== y.length) return false;
  return x.every((e, i) => {
    const o = y[i] as ManagedFieldsEntry;
    return e === o || jsonEqual({ ...e, time: '' }, { ...o, time: '' });
  });
}

/** Keys JSON.stringify would print, in its order. */
function visibleKeys(o: object): string[] {
  return Object.keys(o).filter((k) => {
    const v = (o as Record<string, unknown>)[k];
    return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
  });
}

/** JSON.stringify(a) === JSON.stringify(b), without building either string. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
    return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v ?? null, b[i] ?? null));
  }
  const ka = visibleKeys(a);
  const kb = visibleKeys(b);
  if (ka.length !== kb.length) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return ka.every((k, i) => k === kb[i] && jsonEqual(x[k], y[k]));
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

/**
 * The object an update proposes before identity and ownership are filled in: the status or scale
 * subresource changes only its part, a main-resource write keeps the stored status. Stored objects
 * are deep-frozen, so the new version shares their untouched parts, which keeps writes cheap and
 * lets ownership tracking skip those parts by reference.
 */
export function nextVersion(
  t: ServedResource,
  old: KubeObject,
  input: KubeObject,
  subresource: 'status' | 'scale' | undefined,
): KubeObject {
  if (subresource === 'status') {
    return { ...old, metadata: { ...old.metadata }, status: cloneUnlessFrozen(input.status) };
  }
  if (subresource === 'scale') {
    const replicas = (input.spec as { replicas?: unknown } | undefined)?.replicas;
    return { ...old, metadata: { ...old.metadata }, spec: { ...(old.spec as object), replicas } };
  }
  const next = cloneUnlessFrozen({ ...input });
  if (next.metadata === input.metadata) next.metadata = { ...input.metadata };
  if (t.subresources?.includes('status')) {
    if (old.status === undefined) delete next.status;
    else next.status = old.status;
  }
  return next;
}
