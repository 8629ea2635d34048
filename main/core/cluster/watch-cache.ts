import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { BackoffOptions } from './backoff.ts';
import { createBackoff } from './backoff.ts';
import type { BatchCoalescer, ObjectBatch } from './batch-coalescer.ts';
import { createBatchCoalescer } from './batch-coalescer.ts';
import type { Clock } from './clock.ts';
import type { WatchedKey, WatchedResource } from './cluster-resources.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import type { ResourceWatch, StreamState } from './resource-watch.ts';
import { createListGate, startResourceWatch } from './resource-watch.ts';

export interface CacheChange {
  resource: WatchedKey;
  type: 'upsert' | 'delete';
  object: KubeObject;
  /** The version the cache held before, when there was one. */
  previous?: KubeObject;
}

export interface StreamStatus {
  resource: WatchedKey;
  namespace?: string;
  state: StreamState;
}

export interface ObjectRef {
  resource: WatchedKey;
  namespace?: string;
  name: string;
}

export interface WatchCacheOptions {
  client: KubeHttpClient;
  resources: readonly WatchedResource[];
  /** Watch only these namespaces (one stream each); all namespaces when absent. */
  namespaces?: readonly string[];
  clock: Clock;
  backoff?: BackoffOptions;
  /** Window of the coalesced batches towards the renderer (100 ms → at most 10 a second). */
  batchIntervalMs?: number;
  pageSize?: number;
  watchTimeoutSeconds?: number;
  /** How many kinds list at once (default 2): bounds the memory peak of a cold start. */
  listConcurrency?: number;
}

export interface WatchCache {
  start(): void;
  stop(): Promise<void>;
  /** True once every stream has listed at least once. */
  readonly synced: boolean;
  whenSynced(timeoutMs?: number): Promise<void>;
  get(uid: string): KubeObject | undefined;
  find(ref: ObjectRef): KubeObject | undefined;
  list(resource: WatchedKey): KubeObject[];
  all(): IterableIterator<KubeObject>;
  readonly size: number;
  streams(): StreamStatus[];
  /** Coalesced changes for the renderer: at most one batch per interval. */
  onBatch(listener: (batch: ObjectBatch<KubeObject>) => void): () => void;
  /** Every change as it happens, uncoalesced (for indexes kept in main). */
  onChange(listener: (changes: readonly CacheChange[]) => void): () => void;
  onStreamState(listener: (status: StreamStatus) => void): () => void;
  /** Resolves with the predicate's first truthy answer, checked now and after every change. */
  waitFor<T>(
    predicate: (cache: WatchCache) => T | null | undefined | false,
    timeoutMs: number,
    what?: string,
  ): Promise<T>;
  /** The object once the cache holds `resourceVersion` of it (or a newer one). */
  waitForResourceVersion(ref: ObjectRef, resourceVersion: string, timeoutMs: number): Promise<KubeObject>;
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

interface Entry {
  resource: WatchedKey;
  object: KubeObject;
}

const nameKey = (resource: string, namespace: string | undefined, name: string) =>
  `${resource}/${namespace ?? ''}/${name}`;

function uidOf(resource: WatchedKey, o: KubeObject): string {
  return o.metadata.uid ?? nameKey(resource, o.metadata.namespace, o.metadata.name);
}

/**
 * resourceVersions are opaque to clients, but every server we know uses increasing integers; when
 * both are integers a newer one also counts as seen (someone changed the object again since).
 */
export function resourceVersionReached(current: string | undefined, wanted: string): boolean {
  if (current === undefined) return false;
  if (current === wanted) return true;
  if (/^\d+$/.test(current) && /^\d+$/.test(wanted)) return BigInt(current) >= BigInt(wanted);
  return false;
}

/** One session's list+watch of the mesh and workload kinds, objects indexed by uid. */
export function createWatchCache(options: WatchCacheOptions): WatchCache {
  const { clock } = options;
  const entries = new Map<string, Entry>();
  const byName = new Map<string, string>();
  const streamMembers = new Map<string, Set<string>>();
  const statuses = new Map<string, StreamStatus>();
  const listed = new Set<string>();
  const batchListeners = new Set<(b: ObjectBatch<KubeObject>) => void>();
  const changeListeners = new Set<(c: readonly CacheChange[]) => void>();
  const stateListeners = new Set<(s: StreamStatus) => void>();
  const waiters = new Set<() => void>();
  const syncWaiters = new Set<() => void>();
  let watches: ResourceWatch[] = [];
  let streamCount = 0;

  const coalescer: BatchCoalescer<KubeObject> = createBatchCoalescer<KubeObject>(
    clock,
    (batch) => {
      for (const l of batchListeners) l(batch);
    },
    options.batchIntervalMs ?? 100,
  );

  function publish(changes: CacheChange[]) {
    if (changes.length === 0) return;
    for (const c of changes) {
      const uid = uidOf(c.resource, c.object);
      if (c.type === 'upsert') coalescer.upsert(uid, c.object);
      else coalescer.delete(uid);
    }
    for (const l of changeListeners) l(changes);
    for (const w of [...waiters]) w();
  }

  function put(stream: string, resource: WatchedKey, object: KubeObject, out: CacheChange[]) {
    const uid = uidOf(resource, object);
    const previous = entries.get(uid)?.object;
    streamMembers.get(stream)?.add(uid);
    if (
      previous &&
      previous.metadata.resourceVersion === object.metadata.resourceVersion &&
      object.metadata.resourceVersion
    )
      return;
    entries.set(uid, { resource, object });
    byName.set(nameKey(resource, object.metadata.namespace, object.metadata.name), uid);
    out.push(
      previous ? { resource, type: 'upsert', object, previous } : { resource, type: 'upsert', object },
    );
  }

  function drop(stream: string, resource: WatchedKey, uid: string, out: CacheChange[]) {
    const entry = entries.get(uid);
    streamMembers.get(stream)?.delete(uid);
    if (!entry) return;
    entries.delete(uid);
    const key = nameKey(resource, entry.object.metadata.namespace, entry.object.metadata.name);
    if (byName.get(key) === uid) byName.delete(key);
    out.push({ resource, type: 'delete', object: entry.object, previous: entry.object });
  }

  function sinkFor(resource: WatchedResource, namespace: string | undefined) {
    const stream = `${resource.key}|${namespace ?? '*'}`;
    streamMembers.set(stream, new Set());
    const status: StreamStatus = { resource: resource.key, state: { phase: 'listing' } };
    if (namespace !== undefined) status.namespace = namespace;
    statuses.set(stream, status);
    return {
      replace(items: KubeObject[]) {
        const out: CacheChange[] = [];
        const fresh = new Set(items.map((o) => uidOf(resource.key, o)));
        for (const uid of [...(streamMembers.get(stream) ?? [])])
          if (!fresh.has(uid)) drop(stream, resource.key, uid, out);
        for (const o of items) put(stream, resource.key, o, out);
        listed.add(stream);
        publish(out);
        if (listed.size === streamCount) for (const w of [...syncWaiters]) w();
      },
      upsert(o: KubeObject) {
        const out: CacheChange[] = [];
        put(stream, resource.key, o, out);
        publish(out);
      },
      remove(o: KubeObject) {
        const out: CacheChange[] = [];
        drop(stream, resource.key, uidOf(resource.key, o), out);
        publish(out);
      },
      state(state: StreamState) {
        status.state = state;
        for (const l of stateListeners) l({ ...status });
      },
    };
  }

  const cache: WatchCache = {
    start() {
      if (watches.length > 0) return;
      // One stream per kind and namespace, all merged into the same indexes (by uid).
      const scopes: Array<string | undefined> = options.namespaces
        ? [...new Set(options.namespaces)]
        : [undefined];
      streamCount = options.resources.length * scopes.length;
      const listGate = createListGate(options.listConcurrency ?? 2);
      for (const resource of options.resources) {
        for (const namespace of scopes) {
          watches.push(
            startResourceWatch({
              client: options.client,
              resource,
              ...(namespace !== undefined ? { namespace } : {}),
              clock,
              backoff: createBackoff(options.backoff),
              sink: sinkFor(resource, namespace),
              listGate,
              ...(options.pageSize ? { pageSize: options.pageSize } : {}),
              ...(options.watchTimeoutSeconds ? { watchTimeoutSeconds: options.watchTimeoutSeconds } : {}),
            }),
          );
        }
      }
    },
    async stop() {
      const stopping = watches;
      watches = [];
      await Promise.all(stopping.map((w) => w.stop()));
      coalescer.dispose();
    },
    get synced() {
      return streamCount > 0 && listed.size === streamCount;
    },
    whenSynced(timeoutMs) {
      if (cache.synced) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let timer: unknown;
        const check = () => {
          if (!cache.synced) return;
          syncWaiters.delete(check);
          if (timer !== undefined) clock.clearTimeout(timer);
          resolve();
        };
        syncWaiters.add(check);
        if (timeoutMs !== undefined) {
          timer = clock.setTimeout(() => {
            syncWaiters.delete(check);
            const waiting = [...statuses.values()].filter((s) => s.state.phase !== 'watching');
            const why = waiting.map(
              (s) =>
                `${s.resource}${s.namespace !== undefined ? ` in ${s.namespace}` : ''}: ${s.state.phase === 'retrying' ? s.state.reason : s.state.phase}`,
            );
            reject(
              new WaitTimeoutError(
                `the cache did not list everything within ${timeoutMs} ms (${why.join('; ')})`,
              ),
            );
          }, timeoutMs);
        }
      });
    },
    get: (uid) => entries.get(uid)?.object,
    find(ref) {
      const uid = byName.get(nameKey(ref.resource, ref.namespace, ref.name));
      return uid === undefined ? undefined : entries.get(uid)?.object;
    },
    list(resource) {
      const out: KubeObject[] = [];
      for (const e of entries.values()) if (e.resource === resource) out.push(e.object);
      return out;
    },
    *all() {
      for (const e of entries.values()) yield e.object;
    },
    get size() {
      return entries.size;
    },
    streams: () => [...statuses.values()].map((s) => ({ ...s })),
    onBatch(listener) {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onStreamState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    waitFor(predicate, timeoutMs, what = 'the condition') {
      return new Promise((resolve, reject) => {
        const first = predicate(cache);
        if (first) return resolve(first);
        const check = () => {
          const value = predicate(cache);
          if (!value) return;
          waiters.delete(check);
          clock.clearTimeout(timer);
          resolve(value);
        };
        const timer = clock.setTimeout(() => {
          waiters.delete(check);
          reject(new WaitTimeoutError(`the watch did not show ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    waitForResourceVersion(ref, resourceVersion, timeoutMs) {
      const where = `${ref.resource} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
      return cache.waitFor(
        (c) => {
          const o = c.find(ref);
          return o && resourceVersionReached(o.metadata.resourceVersion, resourceVersion) ? o : null;
        },
        timeoutMs,
        `${where} at resourceVersion ${resourceVersion}`,
      );
    },
  };
  return cache;
}
