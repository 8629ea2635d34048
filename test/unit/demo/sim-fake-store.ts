import { seedObjects } from '../../../main/demo/seed/seed-objects.ts';
import type {
  KubeObject,
  ObjectStore,
  ResourceType,
  StoreEvent,
} from '../../../main/demo/store/object-store.ts';

const TYPES: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    listKind: 'NamespaceList',
  },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, listKind: 'PodList' },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    listKind: 'ServiceList',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    listKind: 'DeploymentList',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
    listKind: 'ReplicaSetList',
  },
  {
    group: 'networking.istio.io',
    version: 'v1',
    resource: 'virtualservices',
    kind: 'VirtualService',
    namespaced: true,
    listKind: 'VirtualServiceList',
  },
  {
    group: 'networking.istio.io',
    version: 'v1',
    resource: 'destinationrules',
    kind: 'DestinationRule',
    namespaced: true,
    listKind: 'DestinationRuleList',
  },
  {
    group: 'networking.istio.io',
    version: 'v1',
    resource: 'gateways',
    kind: 'Gateway',
    namespaced: true,
    listKind: 'GatewayList',
  },
];

/**
 * A small in-memory stand-in for the demo API server's ObjectStore, with the semantics the
 * simulation relies on: uids, resourceVersions, generation bumps on spec changes, the status
 * subresource, synchronous events, and garbage collection of owned objects on delete.
 */
export class FakeObjectStore implements ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private rv = 1;
  private uid = 0;
  /** Count of writes by kind, so tests can tell that an idle mesh writes nothing. */
  writes = 0;

  get resourceVersion(): number {
    return this.rv;
  }

  types(): ResourceType[] {
    return TYPES;
  }

  typeFor(apiVersion: string, kind: string): ResourceType | undefined {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    return TYPES.find((t) => t.kind === kind && t.group === group);
  }

  private key(type: ResourceType, ns: string | undefined, name: string): string {
    return `${type.resource}|${ns ?? ''}|${name}`;
  }

  private typeOf(obj: KubeObject): ResourceType {
    const type = this.typeFor(obj.apiVersion, obj.kind);
    if (!type) throw new Error(`fake store: unknown type ${obj.apiVersion} ${obj.kind}`);
    return type;
  }

  forEach(type: ResourceType, visit: (obj: KubeObject) => void): void {
    for (const [k, v] of this.objects) if (k.startsWith(`${type.resource}|`)) visit(v);
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const prefix = `${type.resource}|${namespace ?? ''}|`;
    const out: KubeObject[] = [];
    for (const [k, v] of this.objects) {
      if (namespace === undefined ? k.startsWith(`${type.resource}|`) : k.startsWith(prefix)) out.push(v);
    }
    return out;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(this.key(type, namespace, name));
  }

  create(obj: KubeObject, _opts?: { manager?: string }): KubeObject {
    const type = this.typeOf(obj);
    const key = this.key(type, obj.metadata.namespace, obj.metadata.name);
    if (this.objects.has(key)) throw new Error(`fake store: ${key} already exists`);
    const stored = structuredClone(obj);
    stored.metadata.uid = `uid-${++this.uid}`;
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.generation = 1;
    stored.metadata.creationTimestamp = new Date(1_700_000_000_000 + this.uid * 1000).toISOString();
    this.objects.set(key, stored);
    this.writes++;
    this.emit({ type: 'ADDED', resource: type, object: stored });
    return stored;
  }

  update(obj: KubeObject, opts?: { manager?: string; subresource?: 'status' | 'scale' }): KubeObject {
    const type = this.typeOf(obj);
    const key = this.key(type, obj.metadata.namespace, obj.metadata.name);
    const old = this.objects.get(key);
    if (!old) throw new Error(`fake store: ${key} not found`);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw new Error(`fake store: conflict on ${key}`);
    }
    let next: KubeObject;
    if (opts?.subresource === 'status') {
      next = { ...structuredClone(old), status: structuredClone(obj.status) };
    } else {
      next = structuredClone(obj);
      if (old.status !== undefined) next.status = old.status;
      next.metadata.uid = old.metadata.uid;
      next.metadata.creationTimestamp = old.metadata.creationTimestamp;
      const specChanged = JSON.stringify(old.spec) !== JSON.stringify(obj.spec);
      next.metadata.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    next.metadata.resourceVersion = String(++this.rv);
    this.objects.set(key, next);
    this.writes++;
    this.emit({ type: 'MODIFIED', resource: type, object: next });
    return next;
  }

  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const key = this.key(type, namespace, name);
    const old = this.objects.get(key);
    if (!old) throw new Error(`fake store: ${key} not found`);
    this.objects.delete(key);
    this.rv++;
    this.emit({ type: 'DELETED', resource: type, object: old });
    for (const t of TYPES) {
      for (const dep of this.list(t, namespace)) {
        if (dep.metadata.ownerReferences?.some((r) => r.uid === old.metadata.uid))
          this.delete(t, namespace, dep.metadata.name);
      }
    }
    return old;
  }

  subscribe(listener: (ev: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(ev: StoreEvent): void {
    for (const l of this.listeners) l(ev);
  }
}

/** Finds a served type by kind (the fake store serves one version of each). */
export function typeOfKind(store: ObjectStore, kind: string): ResourceType {
  const type = store.types().find((t) => t.kind === kind);
  if (!type) throw new Error(`no type ${kind}`);
  return type;
}

/** A fake store holding the demo seed (objects of kinds it serves). */
export function seededFakeStore(seed = 1, services = 0): FakeObjectStore {
  const store = new FakeObjectStore();
  for (const obj of seedObjects({ seed, services }))
    if (store.typeFor(obj.apiVersion, obj.kind)) store.create(obj);
  return store;
}
