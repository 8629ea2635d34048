import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { BackoffOptions } from './backoff.ts';
import { createBackoff } from './backoff.ts';
import type { ObjectBatch } from './batch-coalescer.ts';
import { createBatchCoalescer } from './batch-coalescer.ts';
import type { Clock } from './clock.ts';
import type { WatchedKey, WatchedResource } from './cluster-resources.ts';
import { createStringPool } from './interned-strings.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import type { StreamState } from './resource-watch.ts';
import { createListGate, startResourceWatch } from './resource-watch.ts';
import { SegmentedMap } from './segmented-map.ts';
import type { WatchCacheState } from './watch-cache-entries.ts';
import { nameKey, sinkFor } from './watch-cache-entries.ts';

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
  /** How long storing a list may hold the event loop before it gives it a turn (default 8 ms). */
  sliceBudgetMs?: number;
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

const isSynced = (s: WatchCacheState) => s.streamCount > 0 && s.listed.size === s.streamCount;

/** One stream per kind and namespace, all merged into the same indexes (by uid). */
function startWatches(s: WatchCacheState) {
  const { options } = s;
  if (s.watches.length > 0) return;
  const scopes: Array<string | undefined> = options.namespaces
    ? [...new Set(options.namespaces)]
    : [undefined];
  s.streamCount = options.resources.length * scopes.length;
  const listGate = createListGate(options.listConcurrency ?? 2);
  for (const resource of options.resources) {
    for (const namespace of scopes) {
      s.watches.push(
        startResourceWatch({
          client: options.client,
          resource,
          ...(namespace !== undefined ? { namespace } : {}),
          clock: s.clock,
          backoff: createBackoff(options.backoff),
          sink: sinkFor(s, resource, namespace),
          listGate,
          strings: s.strings,
          ...(options.pageSize ? { pageSize: options.pageSize } : {}),
          ...(options.watchTimeoutSeconds ? { watchTimeoutSeconds: options.watchTimeoutSeconds } : {}),
        }),
      );
    }
  }
}

function whenSynced(s: WatchCacheState, timeoutMs: number | undefined): Promise<void> {
  if (isSynced(s)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let timer: unknown;
    const check = () => {
      if (!isSynced(s)) return;
      s.syncWaiters.delete(check);
      if (timer !== undefined) s.clock.clearTimeout(timer);
      resolve();
    };
    s.syncWaiters.add(check);
    if (timeoutMs !== undefined) {
      timer = s.clock.setTimeout(() => {
        s.syncWaiters.delete(check);
        const waiting = [...s.statuses.values()].filter((st) => st.state.phase !== 'watching');
        const why = waiting.map(
          (st) =>
            `${st.resource}${st.namespace !== undefined ? ` in ${st.namespace}` : ''}: ${st.state.phase === 'retrying' ? st.state.reason : st.state.phase}`,
        );
        reject(
          new WaitTimeoutError(
            `the cache did not list everything within ${timeoutMs} ms (${why.join('; ')})`,
          ),
        );
      }, timeoutMs);
    }
  });
}

function waitFor<T>(
  s: WatchCacheState,
  cache: WatchCache,
  predicate: (cache: WatchCache) => T | null | undefined | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const first = predicate(cache);
    if (first) return resolve(first);
    const check = () => {
      const value = predicate(cache);
      if (!value) return;
      s.waiters.delete(check);
      s.clock.clearTimeout(timer);
      resolve(value);
    };
    const timer = s.clock.setTimeout(() => {
      s.waiters.delete(check);
      reject(new WaitTimeoutError(`the watch did not show ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.waiters.add(check);
  });
}

/** One session's list+watch of the mesh and workload kinds, objects indexed by uid. */
export function createWatchCache(options: WatchCacheOptions): WatchCache {
  const batchListeners = new Set<(b: ObjectBatch<KubeObject>) => void>();
  const s: WatchCacheState = {
    options,
    clock: options.clock,
    entries: new SegmentedMap(),
    byName: new SegmentedMap(),
    strings: createStringPool(),
    statuses: new Map(),
    listed: new Set(),
    batchListeners,
    changeListeners: new Set(),
    stateListeners: new Set(),
    waiters: new Set(),
    syncWaiters: new Set(),
    watches: [],
    streamCount: 0,
    stopped: false,
    coalescer: createBatchCoalescer<KubeObject>(
      options.clock,
      (batch) => {
        for (const l of batchListeners) l(batch);
      },
      options.batchIntervalMs ?? 100,
    ),
  };
  const { entries, statuses, changeListeners, stateListeners } = s;

  const cache: WatchCache = {
    start: () => startWatches(s),
    async stop() {
      s.stopped = true;
      const stopping = s.watches;
      s.watches = [];
      await Promise.all(stopping.map((w) => w.stop()));
      s.coalescer.dispose();
    },
    get synced() {
      return isSynced(s);
    },
    whenSynced: (timeoutMs) => whenSynced(s, timeoutMs),
    get: (uid) => entries.get(uid)?.object,
    find(ref) {
      const uid = s.byName.get(nameKey(ref.resource, ref.namespace, ref.name));
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
    streams: () => [...statuses.values()].map((st) => ({ ...st })),
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
    waitFor: (predicate, timeoutMs, what = 'the condition') => waitFor(s, cache, predicate, timeoutMs, what),
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
