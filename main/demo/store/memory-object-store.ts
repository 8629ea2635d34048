// The demo server's storage: one index per resource (all served versions share it), a global
// resourceVersion counter, a bounded event log for watches, and ownerReference GC.
import { newUid } from './compact-strings.ts';
import { GarbageCollector, type ObjectRef } from './garbage-collector.ts';
import { KubeStatusError, statusErrors } from './kube-status-error.ts';
import type { ManagedFieldsEntry } from './managed-fields.ts';
import { recordUpdate } from './managed-fields.ts';
import { type LoggedEvent, ObjectEventLog } from './object-event-log.ts';
import type { KubeObject, ObjectStore, ResourceType, StoreEvent } from './object-store.ts';
import { validationCauses } from './object-validation.ts';
import type { ServedResource } from './resource-types.ts';
import { apiVersionOf, findResource, findResourceByKind, served, servedResources } from './resource-types.ts';
import { SharedNodes } from './shared-nodes.ts';
import {
  cloneUnlessFrozen,
  deepFreeze,
  normalized,
  randomSuffix,
  rfc3339Now,
  StoredEntry,
  specChanged,
  withApiVersion,
} from './stored-object.ts';
import { TemplateObjects, type TemplateSource } from './template-objects.ts';
import { TypeIndex } from './type-index.ts';
import { applyDefaults, isUnchanged, nextVersion, sameOwnership } from './write-rules.ts';

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
  private readonly buckets = new Map<string, TypeIndex>();
  /** The resourceVersion of the last change per storage key, so list bodies can be reused until then. */
  private readonly changedAt = new Map<string, number>();
  private readonly collector = new GarbageCollector({
    objectAt: (ref) => this.bucket(ref.storageKey).get(ref.key)?.obj,
    remove: (ref) => {
      const entry = this.bucket(ref.storageKey).get(ref.key);
      const t = storedTypes.get(ref.storageKey);
      if (entry && t) this.remove(t, ref.key, entry);
    },
  });
  /** Equal parts of stored objects (labels, conditions, managedFields trees…) kept once. */
  private readonly shared = new SharedNodes();
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private readonly materialisedListeners = new Set<(objects: StoreEvent[]) => void>();
  /** Every namespace's entries of a type with its filler merged in, while still current. */
  private readonly mergedAll = new Map<
    string,
    { changedAt: number; written: number; entries: readonly StoredEntry[] }
  >();
  /** The generated filler, served from templates until first written. */
  private templates: TemplateObjects | undefined;
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

  private bucket(key: string): TypeIndex {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TypeIndex();
      this.buckets.set(key, b);
    }
    return b;
  }

  /**
   * Loads the generated filler as templates: its objects take the next resourceVersions (as if
   * created, their events already compacted away, as at 50,000 objects they would be) and cost
   * nothing per object until one of an index's objects is written.
   */
  loadTemplates(source: TemplateSource, opts: { at?: number; uidPrefix?: string } = {}): void {
    if (this.templates) throw new Error('the store already has templates');
    const templates = new TemplateObjects(source, this.rv, opts);
    this.templates = templates;
    this.rv = templates.lastRv;
    this.log.compactThrough(this.rv);
    for (const k of source.kinds) this.changedAt.set(k.storageKey, this.rv);
  }

  /** How many filler indices are still templates (never written). */
  get templateCount(): number {
    return this.templates ? this.templates.count - this.templates.writtenCount : 0;
  }

  /** Like `subscribe`, for template-backed objects becoming stored objects (see ObjectStore). */
  subscribeMaterialised(listener: (objects: StoreEvent[]) => void): () => void {
    this.materialisedListeners.add(listener);
    return () => this.materialisedListeners.delete(listener);
  }

  /** Makes every template-backed object a stored object (as its first write would). */
  materialiseAll(): void {
    const templates = this.templates;
    if (!templates) return;
    for (let i = 0; i < templates.count; i++) this.materialiseIndex(i);
  }

  /** Objects of a type that are stored objects (written at least once): no template-backed filler. */
  listWritten(type: ResourceType, namespace?: string): KubeObject[] {
    const t = served(type);
    const apiVersion = apiVersionOf(type);
    return this.bucket(t.storageKey)
      .entries(t.namespaced ? namespace : undefined)
      .map((e) => withApiVersion(e.obj, apiVersion));
  }

  /** The filler index of the template-backed object at `key` of a type, or -1. */
  private templateIndex(t: ServedResource, namespace: string | undefined, name: string): number {
    const kind = this.templates?.kindOf(t.storageKey);
    if (kind === undefined || !this.templates) return -1;
    return this.templates.indexAt(kind, t.namespaced ? namespace : undefined, name);
  }

  /** Before a write: the object at `namespace/name`, if a template, becomes a stored object (with its index's others). */
  private materialise(t: ServedResource, namespace: string | undefined, name: string): void {
    const index = this.templateIndex(t, namespace, name);
    if (index >= 0) this.materialiseIndex(index);
  }

  private materialiseIndex(index: number): void {
    const templates = this.templates;
    if (!templates?.markWritten(index)) return;
    const events: StoreEvent[] = [];
    templates.kinds.forEach((k, kind) => {
      const type = storedTypes.get(k.storageKey);
      if (!type) return;
      const obj = this.shared.freeze(normalized(JSON.parse(templates.json(kind, index)) as KubeObject));
      const key = templates.keyOf(kind, index);
      this.bucket(k.storageKey).set(key, new StoredEntry(obj, templates.rvOf(index, kind), k.fieldsTracked));
      this.collector.track(refOf(type, key), obj);
      events.push({ type: 'ADDED', resource: type, object: obj });
    });
    for (const l of [...this.materialisedListeners]) l(events);
  }

  /**
   * Stored entries of a type sorted by key (`namespace/name`: the order continue tokens rely on).
   * A read-only snapshot: later writes do not change it.
   */
  entries(type: ResourceType, namespace?: string): readonly StoredEntry[] {
    const t = served(type);
    const ns = t.namespaced ? namespace : undefined;
    const ordinary = this.bucket(t.storageKey).entries(ns);
    const kind = this.templates?.kindOf(t.storageKey);
    if (kind === undefined || !this.templates) return ordinary;
    if (ns !== undefined) return this.templates.merged(kind, ordinary, ns);
    // All namespaces: the merge is kept until the type or the filler changes (paged lists re-read it).
    const changedAt = this.changedAt.get(t.storageKey) ?? 0;
    const written = this.templates.writtenCount;
    const kept = this.mergedAll.get(t.storageKey);
    if (kept && kept.changedAt === changedAt && kept.written === written) return kept.entries;
    const entries = this.templates.merged(kind, ordinary);
    this.mergedAll.set(t.storageKey, { changedAt, written, entries });
    return entries;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const apiVersion = apiVersionOf(type);
    return this.entries(type, namespace).map((e) => withApiVersion(e.obj, apiVersion));
  }

  forEach(type: ResourceType, visit: (obj: KubeObject) => void): void {
    const apiVersion = apiVersionOf(type);
    for (const e of this.entries(type)) visit(withApiVersion(e.obj, apiVersion));
  }

  getEntry(type: ResourceType, namespace: string | undefined, name: string): StoredEntry | undefined {
    const t = served(type);
    const stored = this.bucket(t.storageKey).get(keyOf(t, namespace, name));
    if (stored || !this.templates) return stored;
    const kind = this.templates.kindOf(t.storageKey);
    return kind === undefined
      ? undefined
      : this.templates.entryAt(kind, t.namespaced ? namespace : undefined, name);
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
    // A deep copy, except of deep-frozen parts (taken from stored objects, as a controller's pod
    // template is): those are immutable and stay shared, which saves their memory once per object.
    const obj = cloneUnlessFrozen({ ...input, metadata: { ...input.metadata } });
    if (obj.spec !== null && typeof obj.spec === 'object' && Object.isFrozen(obj.spec))
      obj.spec = { ...(obj.spec as object) };
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
    if (bucket.has(key) || this.templateIndex(t, meta.namespace, meta.name) >= 0)
      throw statusErrors.alreadyExists(target);

    applyDefaults(
      t,
      obj,
      () => `10.96.${Math.floor(this.clusterIpCounter / 250)}.${(this.clusterIpCounter++ % 250) + 2}`,
    );
    obj.apiVersion = apiVersionOf({ group: t.group, version: t.storageVersion });
    meta.uid = newUid();
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
        // Recorded against the object as stored (normalized drops undefined members), so the
        // entries' paths are exactly fields of the stored object; later updates rely on that.
        normalized(obj) as Record<string, unknown>,
        {
          keyedLists: !t.custom,
          includeStatus: true,
        },
      );
    if ((meta.managedFields as unknown[]).length === 0) delete meta.managedFields;
    if (opts.dryRun) return withApiVersion(normalized(obj), apiVersionOf(t));
    return this.commit(t, 'ADDED', key, obj, apiVersionOf(t), !opts.managedFields);
  }

  update(input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const t = this.typeOf(input);
    const ns = t.namespaced ? input.metadata.namespace : undefined;
    const key = keyOf(t, ns, input.metadata.name);
    if (typeof input.metadata.name === 'string') this.materialise(t, ns, input.metadata.name);
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
    const next = nextVersion(t, old, input, opts.subresource);
    next.apiVersion = old.apiVersion;
    const meta = next.metadata;
    meta.name = old.metadata.name;
    if (t.namespaced) meta.namespace = old.metadata.namespace;
    else delete meta.namespace;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.resourceVersion = old.metadata.resourceVersion;
    if (old.metadata.generation !== undefined) {
      meta.generation = specChanged(old, next) ? (old.metadata.generation ?? 0) + 1 : old.metadata.generation;
    }
    if (!opts.skipValidation) {
      const causes = validationCauses(t, { ...next, apiVersion: apiVersionOf(t) });
      if (causes.length > 0) throw statusErrors.invalid(target, causes);
    }
    const oldFields = (old.metadata.managedFields ?? []) as ManagedFieldsEntry[];
    const sentFields = input.metadata.managedFields as ManagedFieldsEntry[] | undefined;
    let fieldsTracked = false;
    if (opts.managedFields) meta.managedFields = opts.managedFields;
    else if (
      !opts.subresource &&
      Array.isArray(sentFields) &&
      sentFields.length > 0 &&
      !sameOwnership(sentFields, oldFields)
    ) {
      // A client may rewrite ownership outright (kubectl does when it upgrades client-side apply).
      meta.managedFields = sentFields;
    } else {
      fieldsTracked = true;
      meta.managedFields = recordUpdate(
        oldFields,
        opts.manager ?? 'unknown',
        apiVersionOf(t),
        old as Record<string, unknown>,
        normalized(next) as Record<string, unknown>,
        {
          keyedLists: !t.custom,
          includeStatus: opts.subresource === 'status',
          entriesMatchBefore: current.fieldsTracked,
          ...(opts.subresource ? { subresource: opts.subresource } : {}),
        },
      );
    }
    if ((meta.managedFields as unknown[]).length === 0) delete meta.managedFields;
    const result = normalized(next);
    if (isUnchanged(old, result)) return withApiVersion(old, apiVersionOf(t));
    if (opts.dryRun) return withApiVersion(result, apiVersionOf(t));
    return this.commit(t, 'MODIFIED', key, result, apiVersionOf(t), fieldsTracked);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): KubeObject {
    const t = served(type);
    const key = keyOf(t, namespace, name);
    if (!opts.dryRun) this.materialise(t, namespace, name);
    const entry = this.getEntry(t, namespace, name);
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
    this.collector.collect(entry.obj.metadata.uid);
    return withApiVersion(deleted, apiVersionOf(t));
  }

  private namespaceExists(name: string): boolean {
    return this.bucket('/namespaces').has(name);
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const index of this.templates?.indicesIn(namespace) ?? []) this.materialiseIndex(index);
    for (const t of storedTypes.values()) {
      if (!t.namespaced) continue;
      const bucket = this.bucket(t.storageKey);
      // A snapshot: collecting one object's dependents may already have removed later ones.
      for (const entry of bucket.entries(namespace)) {
        const key = keyOf(t, namespace, entry.obj.metadata.name);
        if (bucket.get(key) !== entry) continue;
        this.remove(t, key, entry);
        this.collector.collect(entry.obj.metadata.uid);
      }
    }
  }

  private remove(t: ServedResource, key: string, entry: StoredEntry): KubeObject {
    this.rv++;
    this.bucket(t.storageKey).delete(key);
    this.changedAt.set(t.storageKey, this.rv);
    this.collector.forget(refOf(t, key), entry.obj);
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
    fieldsTracked: boolean,
  ): KubeObject {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    const frozen = this.shared.freeze(normalized(obj));
    const bucket = this.bucket(t.storageKey);
    const previous = bucket.get(key);
    // JSON is made on the first list, get or watch that needs it (most versions are never read).
    bucket.set(key, new StoredEntry(frozen, this.rv, fieldsTracked));
    this.changedAt.set(t.storageKey, this.rv);
    this.collector.track(refOf(t, key), frozen, previous?.obj);
    const ev: LoggedEvent = { type, resource: storageType(t), object: frozen, rv: this.rv };
    if (previous) ev.previous = previous.obj;
    this.emit(ev);
    return withApiVersion(frozen, apiVersion);
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

function refOf(t: ServedResource, key: string): ObjectRef {
  return { storageKey: t.storageKey, key };
}

/** The storage-version entry of each stored type, by storage key. */
const storedTypes = new Map(
  servedResources
    .filter((r) => !r.virtual && r.version === r.storageVersion)
    .map((r) => [r.storageKey, r] as const),
);

function storageType(t: ServedResource): ServedResource {
  return t.version === t.storageVersion ? t : (findResource(t.group, t.storageVersion, t.resource) ?? t);
}

export { KubeStatusError };
