// The demo server's storage: one map per resource (all served versions share it), a global
// resourceVersion counter, a bounded event log for watches, and ownerReference GC.
import { randomUUID } from 'node:crypto';
import { KubeStatusError, statusErrors } from './kube-status-error.ts';
import type { ManagedFieldsEntry } from './managed-fields.ts';
import { recordUpdate } from './managed-fields.ts';
import { type LoggedEvent, ObjectEventLog } from './object-event-log.ts';
import type { KubeObject, ObjectStore, ResourceType, StoreEvent } from './object-store.ts';
import { validationCauses } from './object-validation.ts';
import type { ServedResource } from './resource-types.ts';
import { apiVersionOf, findResource, findResourceByKind, served, servedResources } from './resource-types.ts';
import {
  deepFreeze,
  normalized,
  randomSuffix,
  rfc3339Now,
  StoredEntry,
  specPart,
  withApiVersion,
} from './stored-object.ts';
import { applyDefaults, isUnchanged, sameOwnership } from './write-rules.ts';

/** What the HTTP layer passes beyond the store contract. */
export interface WriteOptions {
  manager?: string;
  subresource?: 'status' | 'scale';
  dryRun?: boolean;
  /** Ownership computed by the caller (server-side apply); skips update tracking. */
  managedFields?: ManagedFieldsEntry[];
  /** Skip schema validation (for seeding trusted objects fast). */
  skipValidation?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Types whose objects carry metadata.generation in Kubernetes 1.32. */
const withoutGeneration = new Set(['/namespaces', '/services', '/pods']);

export class MemoryObjectStore implements ObjectStore {
  private rv = 1;
  private readonly buckets = new Map<string, Map<string, StoredEntry>>();
  private readonly sorted = new Map<string, StoredEntry[]>();
  /** The resourceVersion of the last change per storage key, so list bodies can be reused until then. */
  private readonly changedAt = new Map<string, number>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private readonly log: ObjectEventLog;
  private clusterIpCounter = 10;

  constructor(opts: { eventWindow?: number } = {}) {
    this.log = new ObjectEventLog(opts.eventWindow ?? 1000);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  types(): ResourceType[] {
    return servedResources.filter((r) => !r.virtual);
  }

  typeFor(apiVersion: string, kind: string): ResourceType | undefined {
    const r = findResourceByKind(apiVersion, kind);
    return r && !r.virtual ? r : undefined;
  }

  private bucket(key: string): Map<string, StoredEntry> {
    let b = this.buckets.get(key);
    if (!b) {
      b = new Map();
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Stored entries of a type, sorted by namespace then name (the order continue tokens rely on). */
  entries(type: ResourceType, namespace?: string): readonly StoredEntry[] {
    const key = served(type).storageKey;
    let all = this.sorted.get(key);
    if (!all) {
      all = [...this.bucket(key).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, e]) => e);
      this.sorted.set(key, all);
    }
    if (namespace === undefined || !served(type).namespaced) return all;
    return all.filter((e) => e.obj.metadata.namespace === namespace);
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const apiVersion = apiVersionOf(type);
    return this.entries(type, namespace).map((e) => withApiVersion(e.obj, apiVersion));
  }

  getEntry(type: ResourceType, namespace: string | undefined, name: string): StoredEntry | undefined {
    const t = served(type);
    return this.bucket(t.storageKey).get(keyOf(t, namespace, name));
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const e = this.getEntry(type, namespace, name);
    return e && withApiVersion(e.obj, apiVersionOf(type));
  }

  /** The resourceVersion of the last write to a type (any version of it), 0 when never written. */
  lastChange(type: ResourceType): number {
    return this.changedAt.get(served(type).storageKey) ?? 0;
  }

  /** Events after `rv` still in the window, or 'expired'. */
  eventsSince(rv: number): LoggedEvent[] | 'expired' {
    return this.log.since(rv);
  }

  subscribe(listener: (ev: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private typeOf(obj: KubeObject): ServedResource {
    if (!obj || typeof obj !== 'object' || !obj.metadata || typeof obj.metadata !== 'object') {
      throw statusErrors.badRequest('the object has no metadata');
    }
    const t = findResourceByKind(obj.apiVersion, obj.kind);
    if (!t || t.virtual) {
      throw statusErrors.badRequest(
        `no kind "${obj.kind}" is registered for version "${obj.apiVersion}" in the demo server`,
      );
    }
    return t;
  }

  create(input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const t = this.typeOf(input);
    const obj = structuredClone(input) as KubeObject;
    const meta = obj.metadata;
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) {
      meta.name = `${meta.generateName}${randomSuffix()}`;
    }
    const target = { group: t.group, resource: t.resource, kind: t.kind, name: meta.name ?? '' };
    if (!meta.name) {
      throw statusErrors.invalid(target, [
        {
          reason: 'FieldValueRequired',
          field: 'metadata.name',
          message: 'Required value: name or generateName is required',
        },
      ]);
    }
    if (t.namespaced) {
      if (!meta.namespace)
        throw statusErrors.badRequest(
          `${t.resource} "${meta.name}": the namespace of the object must be set`,
        );
      if (!this.namespaceExists(meta.namespace)) {
        throw statusErrors.notFound({ group: '', resource: 'namespaces', name: meta.namespace });
      }
    } else delete meta.namespace;
    if (!opts.skipValidation) {
      const causes = validationCauses(t, obj);
      if (causes.length > 0) throw statusErrors.invalid(target, causes);
    }
    const bucket = this.bucket(t.storageKey);
    const key = keyOf(t, meta.namespace, meta.name);
    if (bucket.has(key)) throw statusErrors.alreadyExists(target);

    applyDefaults(
      t,
      obj,
      () => `10.96.${Math.floor(this.clusterIpCounter / 250)}.${(this.clusterIpCounter++ % 250) + 2}`,
    );
    obj.apiVersion = apiVersionOf({ group: t.group, version: t.storageVersion });
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339Now();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if (withoutGeneration.has(t.storageKey)) delete meta.generation;
    else meta.generation = 1;
    meta.managedFields =
      opts.managedFields ??
      recordUpdate(
        [],
        opts.manager ?? 'unknown',
        apiVersionOf(t),
        undefined,
        obj as Record<string, unknown>,
        {
          keyedLists: !t.custom,
          includeStatus: true,
        },
      );
    if ((meta.managedFields as unknown[]).length === 0) delete meta.managedFields;
    if (opts.dryRun) return withApiVersion(normalized(obj), apiVersionOf(t));
    return this.commit(t, 'ADDED', key, obj, apiVersionOf(t));
  }

  update(input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const t = this.typeOf(input);
    const ns = t.namespaced ? input.metadata.namespace : undefined;
    const key = keyOf(t, ns, input.metadata.name);
    const current = this.bucket(t.storageKey).get(key);
    const target = { group: t.group, resource: t.resource, kind: t.kind, name: input.metadata.name };
    if (!current) throw statusErrors.notFound(target);
    const old = current.obj;
    const wantRv = input.metadata.resourceVersion;
    if (wantRv !== undefined && wantRv !== '' && wantRv !== old.metadata.resourceVersion) {
      throw statusErrors.staleResourceVersion(target);
    }
    const wantUid = input.metadata.uid;
    if (wantUid && wantUid !== old.metadata.uid) {
      throw statusErrors.conflict(
        target,
        `Precondition failed: UID in precondition: ${wantUid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = { ...structuredClone(old), status: structuredClone(input.status) } as KubeObject;
    } else if (opts.subresource === 'scale') {
      const replicas = (input.spec as { replicas?: unknown } | undefined)?.replicas;
      next = structuredClone(old) as KubeObject;
      next.spec = { ...(next.spec as object), replicas };
    } else {
      next = structuredClone(input) as KubeObject;
      if (t.subresources?.includes('status')) {
        if (old.status === undefined) delete next.status;
        else next.status = structuredClone(old.status);
      }
    }
    next.apiVersion = old.apiVersion;
    const meta = next.metadata;
    meta.name = old.metadata.name;
    if (t.namespaced) meta.namespace = old.metadata.namespace;
    else delete meta.namespace;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.resourceVersion = old.metadata.resourceVersion;
    if (old.metadata.generation !== undefined) {
      meta.generation =
        specPart(next) === specPart(old) ? old.metadata.generation : (old.metadata.generation ?? 0) + 1;
    }
    if (!opts.skipValidation) {
      const causes = validationCauses(t, { ...next, apiVersion: apiVersionOf(t) });
      if (causes.length > 0) throw statusErrors.invalid(target, causes);
    }
    const oldFields = (old.metadata.managedFields ?? []) as ManagedFieldsEntry[];
    const sentFields = input.metadata.managedFields as ManagedFieldsEntry[] | undefined;
    if (opts.managedFields) meta.managedFields = opts.managedFields;
    else if (
      Array.isArray(sentFields) &&
      sentFields.length > 0 &&
      !sameOwnership(sentFields, oldFields) &&
      !opts.subresource
    ) {
      // A client may rewrite ownership outright (kubectl does when it upgrades client-side apply).
      meta.managedFields = sentFields;
    } else {
      meta.managedFields = recordUpdate(
        oldFields,
        opts.manager ?? 'unknown',
        apiVersionOf(t),
        old as Record<string, unknown>,
        next as Record<string, unknown>,
        {
          keyedLists: !t.custom,
          includeStatus: opts.subresource === 'status',
          ...(opts.subresource ? { subresource: opts.subresource } : {}),
        },
      );
    }
    if ((meta.managedFields as unknown[]).length === 0) delete meta.managedFields;
    const result = normalized(next);
    if (isUnchanged(old, result)) return withApiVersion(old, apiVersionOf(t));
    if (opts.dryRun) return withApiVersion(result, apiVersionOf(t));
    return this.commit(t, 'MODIFIED', key, result, apiVersionOf(t));
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): KubeObject {
    const t = served(type);
    const key = keyOf(t, namespace, name);
    const entry = this.bucket(t.storageKey).get(key);
    const target = { group: t.group, resource: t.resource, kind: t.kind, name };
    if (!entry) throw statusErrors.notFound(target);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== entry.obj.metadata.uid) {
      throw statusErrors.conflict(
        target,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${entry.obj.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== entry.obj.metadata.resourceVersion) {
      throw statusErrors.conflict(
        target,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${entry.obj.metadata.resourceVersion}`,
      );
    }
    if (opts.dryRun) return withApiVersion(entry.obj, apiVersionOf(t));
    const deleted = this.remove(t, key, entry);
    if (t.storageKey === '/namespaces') this.deleteNamespaceContents(name);
    this.collectDependents(entry.obj.metadata.uid);
    return withApiVersion(deleted, apiVersionOf(t));
  }

  private namespaceExists(name: string): boolean {
    return this.bucket('/namespaces').has(name);
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const t of servedResources) {
      if (!t.namespaced || t.virtual || t.version !== t.storageVersion) continue;
      const bucket = this.bucket(t.storageKey);
      for (const [key, entry] of [...bucket]) {
        if (entry.obj.metadata.namespace === namespace && bucket.get(key) === entry) {
          this.remove(t, key, entry);
          this.collectDependents(entry.obj.metadata.uid);
        }
      }
    }
  }

  /** The garbage collector: objects whose ownerReferences name a deleted uid go too. */
  private collectDependents(uid: string | undefined): void {
    if (!uid) return;
    const refs = this.dependents.get(uid);
    if (!refs) return;
    this.dependents.delete(uid);
    for (const ref of refs) {
      const [storageKey, key] = splitRef(ref);
      const bucket = this.bucket(storageKey);
      const entry = bucket.get(key);
      if (!entry) continue;
      const t = servedResources.find((r) => r.storageKey === storageKey && r.version === r.storageVersion);
      if (!t) continue;
      const owners = entry.obj.metadata.ownerReferences ?? [];
      const alive = owners.some((o) => o.uid !== uid && o.uid && this.uidExists(o.uid));
      if (alive) continue;
      this.remove(t, key, entry);
      this.collectDependents(entry.obj.metadata.uid);
    }
  }

  private uidExists(uid: string): boolean {
    for (const bucket of this.buckets.values())
      for (const e of bucket.values()) if (e.obj.metadata.uid === uid) return true;
    return false;
  }

  private remove(t: ServedResource, key: string, entry: StoredEntry): KubeObject {
    this.rv++;
    const bucket = this.bucket(t.storageKey);
    bucket.delete(key);
    this.sorted.delete(t.storageKey);
    this.changedAt.set(t.storageKey, this.rv);
    this.unindexOwners(t, key, entry.obj);
    const gone = deepFreeze(
      normalized({ ...entry.obj, metadata: { ...entry.obj.metadata, resourceVersion: String(this.rv) } }),
    );
    this.emit({ type: 'DELETED', resource: storageType(t), object: gone, rv: this.rv });
    return gone;
  }

  private commit(
    t: ServedResource,
    type: 'ADDED' | 'MODIFIED',
    key: string,
    obj: KubeObject,
    apiVersion: string,
  ): KubeObject {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    const frozen = deepFreeze(normalized(obj));
    const bucket = this.bucket(t.storageKey);
    const previous = bucket.get(key);
    if (previous) this.unindexOwners(t, key, previous.obj);
    const stored = new StoredEntry(frozen, this.rv);
    // Serialize once at write time: every list and watch after this reuses the string.
    stored.json();
    bucket.set(key, stored);
    this.changedAt.set(t.storageKey, this.rv);
    this.indexOwners(t, key, frozen);
    if (type === 'ADDED') this.sorted.delete(t.storageKey);
    else {
      const list = this.sorted.get(t.storageKey);
      if (list) {
        const i = list.indexOf(previous as StoredEntry);
        if (i >= 0) list[i] = bucket.get(key) as StoredEntry;
        else this.sorted.delete(t.storageKey);
      }
    }
    const ev: LoggedEvent = { type, resource: storageType(t), object: frozen, rv: this.rv };
    if (previous) ev.previous = previous.obj;
    this.emit(ev);
    return withApiVersion(frozen, apiVersion);
  }

  private indexOwners(t: ServedResource, key: string, obj: KubeObject): void {
    for (const o of obj.metadata.ownerReferences ?? []) {
      if (!o.uid) continue;
      let set = this.dependents.get(o.uid);
      if (!set) {
        set = new Set();
        this.dependents.set(o.uid, set);
      }
      set.add(`${t.storageKey}\n${key}`);
    }
  }

  private unindexOwners(t: ServedResource, key: string, obj: KubeObject): void {
    for (const o of obj.metadata.ownerReferences ?? []) {
      if (o.uid) this.dependents.get(o.uid)?.delete(`${t.storageKey}\n${key}`);
    }
  }

  private emit(ev: LoggedEvent): void {
    this.log.push(ev);
    for (const l of [...this.listeners]) {
      try {
        l(ev);
      } catch (err) {
        // One failing listener (a controller or a closed watch) must not stop the others.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

function keyOf(t: ResourceType, namespace: string | undefined, name: string): string {
  return t.namespaced ? `${namespace ?? ''}/${name}` : name;
}

function splitRef(ref: string): [string, string] {
  const i = ref.indexOf('\n');
  return [ref.slice(0, i), ref.slice(i + 1)];
}

function storageType(t: ServedResource): ServedResource {
  return t.version === t.storageVersion ? t : (findResource(t.group, t.storageVersion, t.resource) ?? t);
}

export { KubeStatusError };
