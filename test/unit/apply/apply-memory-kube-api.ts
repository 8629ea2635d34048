// An in-memory KubeApi with the API server's write semantics that the engine depends on: integer
// resourceVersions, JSON Patch with `test` (422 when one fails), delete preconditions (409),
// dry-run, and one-shot failures by verb. Used by the unit tests of the apply engine and history.

import type { VerifyFn } from '../../../main/core/apply/apply-types.ts';
import { targetKey } from '../../../main/core/apply/apply-types.ts';
import type { KubeApi, KubeVerb, ObjectTarget } from '../../../main/core/kube-api.ts';
import { KubeRequestError, knownResource, qualifiedResource } from '../../../main/core/kube-api.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone, JsonPatchTestError } from '../../../shared/mesh/model/index.ts';
import type { PlanTarget } from '../../../shared/mesh/plan/index.ts';

export interface MemoryKube {
  api: KubeApi;
  verify: VerifyFn;
  objects: Map<string, KubeObject>;
  calls: string[];
  put(obj: KubeObject): KubeObject;
  read(t: PlanTarget): KubeObject | undefined;
  /** The next call of `verb` (a real write, not a dry-run, unless `dryRun`) fails with `status`. */
  failNext(
    verb: KubeVerb,
    status: number,
    opts?: { dryRun?: boolean; kind?: string; afterWrite?: boolean },
  ): void;
  /** Runs just before the next real write of `verb`: a concurrent writer. */
  beforeNext(verb: KubeVerb, fn: () => void): void;
}

const ref = (o: KubeObject): PlanTarget => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: o.metadata.namespace || 'default',
  name: o.metadata.name,
});

export function createMemoryKube(seed: readonly KubeObject[] = []): MemoryKube {
  let rv = 100;
  const objects = new Map<string, KubeObject>();
  const calls: string[] = [];
  const failures: Array<{
    verb: KubeVerb;
    status: number;
    dryRun: boolean;
    kind?: string;
    afterWrite: boolean;
  }> = [];
  const hooks: Array<{ verb: KubeVerb; fn: () => void }> = [];

  function error(status: number, verb: KubeVerb, t: ObjectTarget, message: string): KubeRequestError {
    const r = knownResource(t.apiVersion, t.kind);
    return new KubeRequestError(
      status,
      message,
      verb,
      r ? qualifiedResource(r) : t.kind,
      t.namespace ?? 'default',
      t.name,
    );
  }

  function put(obj: KubeObject): KubeObject {
    const stored = deepClone(obj);
    stored.metadata.namespace ||= 'default';
    stored.metadata.resourceVersion = String(++rv);
    stored.metadata.uid ??= `uid-${rv}`;
    objects.set(targetKey(ref(stored)), stored);
    return deepClone(stored);
  }

  function gate(verb: KubeVerb, t: ObjectTarget, dryRun: boolean): { after?: number } {
    calls.push(`${verb}${dryRun ? '-dry-run' : ''} ${t.kind}/${t.name}`);
    if (!dryRun && verb !== 'get' && verb !== 'list') {
      const h = hooks.findIndex((x) => x.verb === verb);
      if (h >= 0) hooks.splice(h, 1)[0]?.fn();
    }
    const i = failures.findIndex(
      (f) => f.verb === verb && f.dryRun === dryRun && (!f.kind || f.kind === t.kind),
    );
    if (i < 0) return {};
    const f = failures.splice(i, 1)[0]!;
    if (f.afterWrite) return { after: f.status };
    throw error(f.status, verb, t, `injected ${f.status}`);
  }

  function key(t: ObjectTarget): string {
    return targetKey({ ...t, namespace: t.namespace ?? 'default' });
  }

  const api: KubeApi = {
    async get(t) {
      gate('get', t, false);
      const o = objects.get(key(t));
      if (!o) throw error(404, 'get', t, `${t.name} not found`);
      return deepClone(o);
    },
    async list(apiVersion, kind, namespace) {
      gate('list', { apiVersion, kind, name: '', ...(namespace ? { namespace } : {}) }, false);
      return [...objects.values()]
        .filter((o) => o.kind === kind && (!namespace || o.metadata.namespace === namespace))
        .map((o) => deepClone(o));
    },
    async create(obj, o) {
      const t = ref(obj);
      const g = gate('create', t, !!o?.dryRun);
      if (objects.has(key(t))) throw error(409, 'create', t, `${t.name} already exists`);
      const { resourceVersion: _rv, ...metadata } = obj.metadata;
      const created = o?.dryRun
        ? { ...deepClone(obj), metadata: { ...metadata, resourceVersion: String(rv) } }
        : put({ ...obj, metadata });
      if (g.after) throw error(g.after, 'create', t, 'injected after write');
      return created;
    },
    async patch(t, ops, o) {
      const g = gate('patch', t, !!o?.dryRun);
      const cur = objects.get(key(t));
      if (!cur) throw error(404, 'patch', t, `${t.name} not found`);
      let next: KubeObject;
      try {
        next = applyJsonPatch(cur, ops);
      } catch (err) {
        throw error(err instanceof JsonPatchTestError ? 422 : 422, 'patch', t, (err as Error).message);
      }
      next.metadata.resourceVersion = cur.metadata.resourceVersion;
      const out = o?.dryRun ? deepClone(next) : put(next);
      if (g.after) throw error(g.after, 'patch', t, 'injected after write');
      return out;
    },
    async delete(t, o) {
      gate('delete', t, !!o?.dryRun);
      const cur = objects.get(key(t));
      if (!cur) throw error(404, 'delete', t, `${t.name} not found`);
      const want = o?.preconditions?.resourceVersion;
      if (want && want !== cur.metadata.resourceVersion) throw error(409, 'delete', t, 'precondition failed');
      if (!o?.dryRun) objects.delete(key(t));
    },
  };

  const verify: VerifyFn = async (t, expected) => {
    const o = objects.get(key(t));
    if ('deleted' in expected) {
      if (o) throw new Error(`${t.name} still exists`);
      return;
    }
    if (!o || Number(o.metadata.resourceVersion) < Number(expected.resourceVersion))
      throw new Error(`${t.name} not at ${expected.resourceVersion}`);
  };

  for (const o of seed) put(o);
  return {
    api,
    verify,
    objects,
    calls,
    put,
    read: (t) => {
      const o = objects.get(key(t));
      return o && deepClone(o);
    },
    failNext(verb, status, opts = {}) {
      failures.push({
        verb,
        status,
        dryRun: !!opts.dryRun,
        afterWrite: !!opts.afterWrite,
        ...(opts.kind ? { kind: opts.kind } : {}),
      });
    },
    beforeNext(verb, fn) {
      hooks.push({ verb, fn });
    },
  };
}

/** reviews in bookinfo: v1 90 % / v2 10 % with retries, and its DestinationRule with both subsets. */
export function reviewsObjects(): { vs: KubeObject; dr: KubeObject } {
  return {
    vs: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        hosts: ['reviews'],
        http: [
          {
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
              { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
            ],
            retries: { attempts: 3, perTryTimeout: '2s' },
          },
        ],
      },
    },
    dr: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        host: 'reviews',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
    },
  };
}
