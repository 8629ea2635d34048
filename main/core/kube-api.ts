// The few object calls the apply engine and the release workflow make (get, list, create, JSON
// patch, delete; each with server-side dry-run), over the cluster session's HTTP client. Every
// failure becomes a KubeRequestError that knows the verb, the resource and the namespace, so a 403
// can say exactly what was refused.

import type { JsonPatchOp, KubeObject } from '../../shared/mesh/model/index.ts';
import { collectionPath } from './cluster/cluster-resources.ts';
import type { KubeHttpClient } from './cluster/kube-http-client.ts';
import { KubeApiError } from './cluster/kube-http-client.ts';

export interface ObjectTarget {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** The field manager of every write Switchyard makes (managedFields[].manager). */
export const FIELD_MANAGER = 'switchyard';

export type KubeVerb = 'get' | 'list' | 'create' | 'patch' | 'delete';

export interface WriteOptions {
  dryRun?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  /** The server refuses (409) when the object is no longer this one. */
  preconditions?: { resourceVersion?: string; uid?: string };
}

export interface KubeApi {
  get(target: ObjectTarget): Promise<KubeObject>;
  /** The objects of one namespace (`default` when none is given). */
  list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<KubeObject[]>;
  /** The objects of every namespace (a 403 for a user who may list only some). */
  listAllNamespaces?(apiVersion: string, kind: string): Promise<KubeObject[]>;
  create(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  patch(target: ObjectTarget, ops: readonly JsonPatchOp[], opts?: WriteOptions): Promise<KubeObject>;
  delete(target: ObjectTarget, opts?: DeleteOptions): Promise<void>;
}

/** A refused or failed call. `status` 0 means the server was not reached or did not answer. */
export class KubeRequestError extends Error {
  override name = 'KubeRequestError';
  constructor(
    readonly status: number,
    message: string,
    readonly verb: KubeVerb,
    /** `virtualservices.networking.istio.io`, `deployments.apps`, `services`. */
    readonly resource: string,
    readonly namespace: string | undefined,
    readonly objectName: string | undefined,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface ResourceName {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const knownKinds: Record<string, { plural: string; namespaced?: boolean }> = {
  'apps/Deployment': { plural: 'deployments' },
  'apps/ReplicaSet': { plural: 'replicasets' },
  '/Pod': { plural: 'pods' },
  '/Service': { plural: 'services' },
  '/Namespace': { plural: 'namespaces', namespaced: false },
  'networking.istio.io/VirtualService': { plural: 'virtualservices' },
  'networking.istio.io/DestinationRule': { plural: 'destinationrules' },
  'networking.istio.io/Gateway': { plural: 'gateways' },
  'networking.istio.io/ServiceEntry': { plural: 'serviceentries' },
  'gateway.networking.k8s.io/HTTPRoute': { plural: 'httproutes' },
  'gateway.networking.k8s.io/Gateway': { plural: 'gateways' },
};

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function qualifiedResource(r: Pick<ResourceName, 'group' | 'plural'>): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** The resource of a kind without asking the server, for the kinds Switchyard writes. */
export function knownResource(apiVersion: string, kind: string): ResourceName | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const k = knownKinds[`${group}/${kind}`];
  return k && { group, version, plural: k.plural, namespaced: k.namespaced ?? true };
}

interface DiscoveryList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

export function createKubeApi(client: KubeHttpClient, opts: { timeoutMs?: number } = {}): KubeApi {
  const discovered = new Map<string, Promise<ResourceName>>();

  async function resolve(apiVersion: string, kind: string, verb: KubeVerb): Promise<ResourceName> {
    const known = knownResource(apiVersion, kind);
    if (known) return known;
    const key = `${apiVersion}/${kind}`;
    let p = discovered.get(key);
    if (!p) {
      const { group, version } = splitApiVersion(apiVersion);
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      p = client.request<DiscoveryList>({ path }).then((list) => {
        const r = list.resources?.find((x) => x.kind === kind && !x.name.includes('/'));
        if (!r)
          throw new KubeRequestError(
            404,
            `the server does not serve ${kind} in ${apiVersion}`,
            verb,
            kind,
            undefined,
            undefined,
            'NotFound',
          );
        return { group, version, plural: r.name, namespaced: r.namespaced };
      });
      discovered.set(key, p);
      p.catch(() => discovered.delete(key));
    }
    return p;
  }

  function objectPath(r: ResourceName, namespace: string | undefined, name?: string): string {
    const base = collectionPath(r, r.namespaced ? (namespace ?? 'default') : undefined);
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  async function call<T>(
    verb: KubeVerb,
    r: ResourceName,
    namespace: string | undefined,
    name: string | undefined,
    req: { method: string; path: string; body?: unknown; contentType?: string },
  ): Promise<T> {
    try {
      return await client.request<T>({ ...req, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
    } catch (err) {
      const ns = r.namespaced ? (namespace ?? 'default') : undefined;
      const status = err instanceof KubeApiError ? err.status : 0;
      const reason = err instanceof KubeApiError ? err.reason : undefined;
      throw new KubeRequestError(
        status,
        (err as Error).message,
        verb,
        qualifiedResource(r),
        ns,
        name,
        reason,
      );
    }
  }

  const dry = (o?: WriteOptions) => (o?.dryRun ? '?dryRun=All' : '');
  // Creates and patches name Switchyard as their field manager, so managedFields (and whoever
  // reads them: kubectl, Argo CD, another operator) show which fields Switchyard last wrote.
  // DELETE takes no fieldManager.
  const write = (o?: WriteOptions) => `?fieldManager=${FIELD_MANAGER}${o?.dryRun ? '&dryRun=All' : ''}`;

  return {
    async get(t) {
      const r = await resolve(t.apiVersion, t.kind, 'get');
      const obj = await call<KubeObject>('get', r, t.namespace, t.name, {
        method: 'GET',
        path: objectPath(r, t.namespace, t.name),
      });
      return withTypeMeta(obj, t.apiVersion, t.kind);
    },
    async list(apiVersion, kind, namespace, labelSelector) {
      const r = await resolve(apiVersion, kind, 'list');
      const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
      const list = await call<{ items?: KubeObject[] }>('list', r, namespace, undefined, {
        method: 'GET',
        path: objectPath(r, namespace) + query,
      });
      return (list.items ?? []).map((o) => withTypeMeta(o, apiVersion, kind));
    },
    async listAllNamespaces(apiVersion, kind) {
      const r = await resolve(apiVersion, kind, 'list');
      const list = await call<{ items?: KubeObject[] }>('list', r, undefined, undefined, {
        method: 'GET',
        path: collectionPath(r, undefined),
      });
      return (list.items ?? []).map((o) => withTypeMeta(o, apiVersion, kind));
    },
    async create(obj, o) {
      const r = await resolve(obj.apiVersion, obj.kind, 'create');
      const ns = obj.metadata.namespace;
      const created = await call<KubeObject>('create', r, ns, obj.metadata.name, {
        method: 'POST',
        path: objectPath(r, ns) + write(o),
        body: obj,
      });
      return withTypeMeta(created, obj.apiVersion, obj.kind);
    },
    async patch(t, ops, o) {
      const r = await resolve(t.apiVersion, t.kind, 'patch');
      const patched = await call<KubeObject>('patch', r, t.namespace, t.name, {
        method: 'PATCH',
        path: objectPath(r, t.namespace, t.name) + write(o),
        body: ops,
        contentType: 'application/json-patch+json',
      });
      return withTypeMeta(patched, t.apiVersion, t.kind);
    },
    async delete(t, o) {
      const r = await resolve(t.apiVersion, t.kind, 'delete');
      const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
      if (o?.preconditions) body.preconditions = o.preconditions;
      if (o?.dryRun) body.dryRun = ['All'];
      await call('delete', r, t.namespace, t.name, {
        method: 'DELETE',
        path: objectPath(r, t.namespace, t.name) + dry(o),
        body,
      });
    },
  };
}

function withTypeMeta(obj: KubeObject, apiVersion: string, kind: string): KubeObject {
  return obj.apiVersion && obj.kind
    ? obj
    : { ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? kind };
}

/** A wrapper that counts calls per verb (and dry-runs apart), for the benchmark and the tests. */
export function countingKubeApi(api: KubeApi): {
  api: KubeApi;
  counts: Record<string, number>;
  reset(): void;
} {
  const counts: Record<string, number> = {};
  const bump = (k: string) => {
    counts[k] = (counts[k] ?? 0) + 1;
  };
  return {
    counts,
    reset() {
      for (const k of Object.keys(counts)) delete counts[k];
    },
    api: {
      get(t) {
        bump('get');
        return api.get(t);
      },
      list(...a) {
        bump('list');
        return api.list(...a);
      },
      ...(api.listAllNamespaces
        ? {
            listAllNamespaces: (apiVersion: string, kind: string) => {
              bump('list');
              return api.listAllNamespaces?.(apiVersion, kind) ?? Promise.resolve([]);
            },
          }
        : {}),
      create(obj, o) {
        bump(o?.dryRun ? 'create-dry-run' : 'create');
        return api.create(obj, o);
      },
      patch(t, ops, o) {
        bump(o?.dryRun ? 'patch-dry-run' : 'patch');
        return api.patch(t, ops, o);
      },
      delete(t, o) {
        bump(o?.dryRun ? 'delete-dry-run' : 'delete');
        return api.delete(t, o);
      },
    },
  };
}
