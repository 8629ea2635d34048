import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { BatchCoalescer, ObjectBatch } from './batch-coalescer.ts';
import type { Clock } from './clock.ts';
import type { WatchedKey, WatchedResource } from './cluster-resources.ts';
import { sliceTimer } from './event-loop-turn.ts';
import type { StringPool } from './interned-strings.ts';
import { flatString } from './interned-strings.ts';
import type { ResourceWatch, StreamState } from './resource-watch.ts';
import type { SegmentedMap } from './segmented-map.ts';
import type { CacheChange, StreamStatus, WatchCacheOptions } from './watch-cache.ts';

// The watch cache's objects and streams: what each stream's list and watch events do to the
// indexes, and how the changes reach the listeners (uncoalesced) and the renderer (coalesced).

interface Entry {
  resource: WatchedKey;
  /** The stream (`key|namespace`) that delivered it: a relist drops what it no longer lists. */
  stream: string;
  object: KubeObject;
}

/** One cache's indexes, streams and listeners, passed to the functions below. */
export interface WatchCacheState {
  options: WatchCacheOptions;
  clock: Clock;
  /** Segmented (see segmented-map.ts): 300,000 objects at 50,000 services. */
  entries: SegmentedMap<string, Entry>;
  /** `resource/namespace/name` (flattened: see interned-strings.ts) → uid. */
  byName: SegmentedMap<string, string>;
  /** The objects' repeated strings, one copy each. */
  strings: StringPool;
  statuses: Map<string, StreamStatus>;
  /** The streams that have listed at least once. */
  listed: Set<string>;
  batchListeners: Set<(b: ObjectBatch<KubeObject>) => void>;
  changeListeners: Set<(c: readonly CacheChange[]) => void>;
  stateListeners: Set<(s: StreamStatus) => void>;
  waiters: Set<() => void>;
  syncWaiters: Set<() => void>;
  watches: ResourceWatch[];
  streamCount: number;
  /** Set by stop(): a list still being stored in slices stops there. */
  stopped: boolean;
  coalescer: BatchCoalescer<KubeObject>;
}

export const nameKey = (resource: string, namespace: string | undefined, name: string) =>
  `${resource}/${namespace ?? ''}/${name}`;

function uidOf(resource: WatchedKey, o: KubeObject): string {
  return o.metadata.uid ?? nameKey(resource, o.metadata.namespace, o.metadata.name);
}

function publish(s: WatchCacheState, changes: CacheChange[]) {
  if (changes.length === 0) return;
  for (const c of changes) {
    const uid = uidOf(c.resource, c.object);
    if (c.type === 'upsert') s.coalescer.upsert(uid, c.object);
    else s.coalescer.delete(uid);
  }
  for (const l of s.changeListeners) l(changes);
  for (const w of [...s.waiters]) w();
}

function put(
  s: WatchCacheState,
  stream: string,
  resource: WatchedKey,
  object: KubeObject,
  out: CacheChange[],
) {
  const uid = uidOf(resource, object);
  const previous = s.entries.get(uid)?.object;
  if (
    previous &&
    previous.metadata.resourceVersion === object.metadata.resourceVersion &&
    object.metadata.resourceVersion
  )
    return;
  s.entries.set(uid, { resource, stream, object });
  const key = nameKey(resource, object.metadata.namespace, object.metadata.name);
  if (s.byName.get(key) !== uid) s.byName.set(flatString(key), uid);
  out.push(previous ? { resource, type: 'upsert', object, previous } : { resource, type: 'upsert', object });
}

function drop(s: WatchCacheState, resource: WatchedKey, uid: string, out: CacheChange[]) {
  const entry = s.entries.get(uid);
  if (!entry) return;
  s.entries.delete(uid);
  const key = nameKey(resource, entry.object.metadata.namespace, entry.object.metadata.name);
  if (s.byName.get(key) === uid) s.byName.delete(key);
  out.push({ resource, type: 'delete', object: entry.object, previous: entry.object });
}

/** The pause between slices of a list being stored: `sliceTimer`'s, or a test's. */
export interface ListSlice {
  due(): boolean;
  pause(): Promise<void>;
}

/**
 * The uids of `stream`'s cached objects that a relist of it no longer has (only a relist can find
 * such objects: a stream is watched after it listed). Both the set of the listed uids and the scan
 * of the cache go in slices: hashing 50,000 fresh uids alone held the event loop ~15 ms, on top of
 * the slice that was already running. Undefined when the cache stopped meanwhile.
 */
export async function goneFrom(
  s: Pick<WatchCacheState, 'entries' | 'stopped'>,
  stream: string,
  resource: WatchedKey,
  items: readonly KubeObject[],
  slice: ListSlice,
): Promise<string[] | undefined> {
  const fresh = new Set<string>();
  for (const o of items) {
    fresh.add(uidOf(resource, o));
    if (slice.due()) {
      await slice.pause();
      if (s.stopped) return undefined;
    }
  }
  const gone: string[] = [];
  for (const [uid, e] of s.entries) {
    if (e.stream === stream && !fresh.has(uid)) gone.push(uid);
    if (slice.due()) {
      await slice.pause();
      if (s.stopped) return undefined;
    }
  }
  return gone;
}

/** The most changes a stored list hands its listeners at once. */
export const PUBLISH_EVERY = 256;

/** What one stream (a kind, in one namespace or all) writes its lists, events and state into. */
export function sinkFor(s: WatchCacheState, resource: WatchedResource, namespace: string | undefined) {
  const stream = `${resource.key}|${namespace ?? '*'}`;
  const status: StreamStatus = { resource: resource.key, state: { phase: 'listing' } };
  if (namespace !== undefined) status.namespace = namespace;
  s.statuses.set(stream, status);
  return {
    /**
     * Stores a (re)list in slices of a few milliseconds, each published as one change set: 50,000
     * Pods stored and indexed in one go would hold the event loop for hundreds of milliseconds.
     * Listeners see the set arrive as they would see watch events; the stream counts as listed
     * only once all of it is in.
     */
    async replace(items: KubeObject[]) {
      const slice = sliceTimer(s.options.sliceBudgetMs);
      let out: CacheChange[] = [];
      if (s.listed.has(stream)) {
        const gone = await goneFrom(s, stream, resource.key, items, slice);
        if (gone === undefined) return;
        for (const uid of gone) {
          drop(s, resource.key, uid, out);
          if (out.length >= PUBLISH_EVERY || slice.due()) {
            publish(s, out);
            out = [];
          }
          if (slice.due()) {
            await slice.pause();
            if (s.stopped) return;
          }
        }
      }
      for (const o of items) {
        put(s, stream, resource.key, o, out);
        // Published within the slice, a few hundred at a time: the listeners (the release index
        // indexing each object) cost about as much as storing, and ran after the budget was spent.
        if (out.length >= PUBLISH_EVERY || slice.due()) {
          publish(s, out);
          out = [];
        }
        if (slice.due()) {
          await slice.pause();
          if (s.stopped) return;
        }
      }
      s.listed.add(stream);
      publish(s, out);
      if (s.listed.size === s.streamCount) for (const w of [...s.syncWaiters]) w();
    },
    upsert(o: KubeObject) {
      const out: CacheChange[] = [];
      put(s, stream, resource.key, o, out);
      publish(s, out);
    },
    remove(o: KubeObject) {
      const out: CacheChange[] = [];
      drop(s, resource.key, uidOf(resource.key, o), out);
      publish(s, out);
    },
    state(state: StreamState) {
      status.state = state;
      for (const l of s.stateListeners) l({ ...status });
    },
  };
}
