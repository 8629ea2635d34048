import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { ReadOptions } from '../../../shared/mesh/read/index.ts';
import type { Clock } from './clock.ts';
import type { StringPool } from './interned-strings.ts';
import { createStringPool, internStrings } from './interned-strings.ts';
import { compactRelease } from './release-compaction.ts';
import type { ReleaseIndexEntries } from './release-index-entries.ts';
import {
  createReleaseIndexEntries,
  inCacheOrder,
  indexObject,
  inputsOf,
  markDirty,
  objectOf,
  releasesOfRoute,
  routesClaiming,
  uidOf,
} from './release-index-entries.ts';
import type { CacheChange, WatchCache } from './watch-cache.ts';

export { routeHosts } from './release-index-entries.ts';

export type ReadReleases = (objects: readonly KubeObject[], opts?: ReadOptions) => ServiceRelease[];

export interface ReleaseChanges {
  upserts: ServiceRelease[];
  /** Ids of releases that are gone. */
  deletes: string[];
  /**
   * Ids of releases read again because one of their inputs changed, that read the same: a Pod or
   * ReplicaSet of theirs changed, which their views show (pods ready, restarts) though the
   * release itself does not hold it.
   */
  touched?: string[];
}

export interface ReleaseIndexOptions {
  /**
   * With `get` (the session's watch cache) the index reads objects from the cache instead of keeping
   * a map of its own; every change must then be in the cache before it is announced.
   */
  cache: Pick<WatchCache, 'onChange' | 'all'> &
    Partial<Pick<WatchCache, 'get'>> & { readonly synced?: boolean };
  read: ReadReleases;
  clock: Clock;
  /** How long changes gather before releases are recomputed and announced (at most 10 a second). */
  intervalMs?: number;
  /** Above this many dirty routes one full read is cheaper than many small ones. */
  fullReadThreshold?: number;
  /** How many routes one read of a full recompute covers (bounds its memory peak). */
  fullReadChunk?: number;
  /** Where a route the reader failed on is told, once per route and failure (default: console.error). */
  onReadFailure?: (message: string) => void;
}

export interface ReleaseIndex {
  /** Every release; during a full read, those of the routes read so far are already the new ones. */
  releases(): ServiceRelease[];
  /** How many releases there are (releases().length without copying 50,000 of them). */
  readonly size: number;
  get(id: string): ServiceRelease | undefined;
  onChanges(listener: (changes: ReleaseChanges) => void): () => void;
  /** The routes that may claim one of these canonical mesh hosts (see `routesClaiming`). */
  routesClaiming(hosts: Iterable<string>): KubeObject[];
  /** Recomputes what is dirty now instead of at the next tick (a full read at once: it may stall). */
  flush(): void;
  /**
   * Resolves once every release is current, reading a whole cluster in slices between which the
   * event loop runs (one chunk of routes at a time), so a big cluster never holds it for long.
   */
  whenCurrent(): Promise<void>;
  readonly stats: { fullReads: number; partialReads: number; routesRead: number };
  dispose(): void;
}

/**
 * A full read in progress, one chunk of routes per turn of the event loop. Changes meanwhile mark
 * their routes dirty as usual and are read after it (or again: reading a route twice is harmless).
 * Each chunk's releases are stored as it is read (the comparison with the old ones included: at
 * 50,000 routes doing all of it at the end held the event loop ~45 ms on a first sync, and much
 * longer on a relist, where every release is compared); the listeners hear of them once, at the end.
 */
interface Pass {
  routes: string[];
  next: number;
  changes: ReleaseChanges;
}

/** One index's objects, releases and recompute timing, passed to the functions below. */
interface IndexState extends ReleaseIndexEntries {
  cache: ReleaseIndexOptions['cache'];
  read: ReadReleases;
  clock: Clock;
  intervalMs: number;
  fullReadThreshold: number;
  fullReadChunk: number;
  byRoute: Map<string, ServiceRelease[]>;
  byId: Map<string, ServiceRelease>;
  listeners: Set<(c: ReleaseChanges) => void>;
  stats: { fullReads: number; partialReads: number; routesRead: number };
  dirtyRoutes: Set<string>;
  /** Until the next full read, every route counts as dirty. */
  everything: boolean;
  timer: unknown;
  disposed: boolean;
  pass: Pass | undefined;
  /** The whenCurrent in progress, shared by its callers. */
  catchingUp: Promise<void> | undefined;
  /** The releases' repeated strings (versions, namespaces, hosts, pointers), one copy each. */
  strings: StringPool;
  /** Routes the reader failed on, with the failure told (so it is told once). */
  readFailures: Map<string, string>;
  onReadFailure: (message: string) => void;
}

/**
 * `read`, its releases sharing their strings and equal sources, arrays cut to size: 50,000 of them
 * are kept for as long as the session.
 */
function readShared(s: IndexState, objects: readonly KubeObject[]): ServiceRelease[] {
  const releases = s.read(objects);
  for (let i = 0; i < releases.length; i++)
    releases[i] = compactRelease(internStrings(releases[i] as ServiceRelease, s.strings));
  return releases;
}

function onChange(s: IndexState, changes: readonly CacheChange[]) {
  // Until the next full read nothing needs marking (a Pod would scan every Service of its namespace).
  for (const c of changes) {
    if (c.previous) {
      if (!s.everything) markDirty(s, c.previous, c.resource, s.dirtyRoutes);
      indexObject(s, c.previous, false, c.type === 'upsert' && uidOf(c.previous) === uidOf(c.object));
    }
    if (c.type === 'upsert') {
      indexObject(s, c.object, true);
      if (!s.everything) markDirty(s, c.object, c.resource, s.dirtyRoutes);
    }
  }
  schedule(s);
}

function schedule(s: IndexState) {
  if (s.disposed || s.timer !== undefined || (!s.everything && s.dirtyRoutes.size === 0 && !s.pass)) return;
  s.timer = s.clock.setTimeout(() => {
    s.timer = undefined;
    tick(s);
  }, s.intervalMs);
}

const needsFullRead = (s: IndexState) => s.everything || s.dirtyRoutes.size > s.fullReadThreshold;

function beginPass(s: IndexState) {
  s.stats.fullReads++;
  // The routes with releases, then those not read yet (as a Set of both would, without the Set).
  const routes = [...s.byRoute.keys()];
  for (const uid of s.routeHostIndex.keys()) if (!s.byRoute.has(uid)) routes.push(uid);
  s.pass = { routes, next: 0, changes: { upserts: [], deletes: [] } };
  s.everything = false;
  s.dirtyRoutes.clear();
}

/** Reads the next chunk of the pass (or all that is left), and announces the pass once done. */
function stepPass(s: IndexState, all: boolean) {
  while (s.pass && s.pass.next < s.pass.routes.length) {
    // In chunks of routes, each read from the inputs of its routes only: one read of a whole big
    // cluster keeps ~100 MB of intermediate objects alive at once, which the heap never gives back.
    const fresh = new Map<string, ServiceRelease[]>();
    readChunk(s, s.pass.routes.slice(s.pass.next, s.pass.next + s.fullReadChunk), fresh);
    store(s, fresh, s.pass.changes);
    s.pass.next += s.fullReadChunk;
    if (!all) break;
  }
  if (s.pass && s.pass.next >= s.pass.routes.length) {
    const done = s.pass;
    s.pass = undefined;
    s.stats.routesRead += done.routes.length;
    announce(s, done.changes);
  }
}

/** The coalescing tick: a whole-cluster read goes in slices, a few dirty routes at once. */
function tick(s: IndexState) {
  if (s.disposed) return;
  if (s.cache.synced === false) {
    schedule(s);
    return;
  }
  if (!s.pass && needsFullRead(s) && s.routeHostIndex.size > s.fullReadChunk) beginPass(s);
  if (s.pass) {
    stepPass(s, false);
    if (s.pass) {
      s.timer = s.clock.setTimeout(() => {
        s.timer = undefined;
        tick(s);
      }, 0);
    } else schedule(s);
    return;
  }
  recompute(s);
}

/**
 * The releases of one route, read from its inputs. Should the reader throw on what the cluster holds
 * (a shape no test foresaw), this runs in a timer, where the throw would end the process, and would
 * stop every other service's releases too: the route keeps the releases it had, read-only, saying
 * why (a plan from a model that may be stale must not be written), and the failure is told once.
 */
function readRoute(s: IndexState, uid: string): ServiceRelease[] {
  if (!objectOf(s, uid)) return [];
  try {
    const releases = releasesOfRoute(s, readShared(s, inputsOf(s, uid)), uid);
    s.readFailures.delete(uid);
    return releases;
  } catch (err) {
    const o = objectOf(s, uid);
    const what = `${o?.kind ?? 'route'} ${o?.metadata.namespace ?? ''}/${o?.metadata.name ?? uid}`;
    const why = `Switchyard could not read ${what} (${(err as Error).message}): shown as last read, and not changed from here`;
    if (s.readFailures.get(uid) !== why) {
      s.readFailures.set(uid, why);
      s.onReadFailure(why);
    }
    return (s.byRoute.get(uid) ?? []).map((r) =>
      r.readOnlyReasons.includes(why)
        ? r
        : { ...r, editable: false, readOnlyReasons: [...r.readOnlyReasons, why] },
    );
  }
}

/** Reads the releases of `chunk` (route uids) from the union of their inputs, into `fresh`. */
function readChunk(s: IndexState, chunk: readonly string[], fresh: Map<string, ServiceRelease[]>) {
  const inputs = new Map<string, KubeObject>();
  for (const uid of chunk) for (const o of inputsOf(s, uid)) inputs.set(uidOf(o), o);
  let all: ServiceRelease[];
  try {
    all = inputs.size > 0 ? readShared(s, inCacheOrder(s, [...inputs.values()])) : [];
  } catch {
    // One route of the chunk the reader fails on: each is read alone, so only that one is kept back.
    for (const uid of chunk) fresh.set(uid, readRoute(s, uid));
    return;
  }
  const grouped = new Map<string, ServiceRelease[]>();
  for (const r of all) {
    const key = r.route.uid ?? '';
    const list = grouped.get(key);
    if (list) list.push(r);
    else grouped.set(key, [r]);
  }
  for (const uid of chunk)
    fresh.set(uid, grouped.get(uid) ?? (objectOf(s, uid) ? releasesOfRoute(s, all, uid) : []));
}

function recompute(s: IndexState) {
  if (s.disposed) return;
  // While the first lists arrive every tick would re-read a growing half-cache: wait for all.
  if (s.cache.synced === false) {
    schedule(s);
    return;
  }
  // A pass in progress is finished first, at once.
  stepPass(s, true);
  if (needsFullRead(s)) {
    beginPass(s);
    stepPass(s, true);
  }
  if (s.dirtyRoutes.size === 0) return;
  s.stats.partialReads++;
  const routes = [...s.dirtyRoutes];
  s.dirtyRoutes.clear();
  const fresh = new Map<string, ServiceRelease[]>();
  for (const uid of routes) fresh.set(uid, readRoute(s, uid));
  s.stats.routesRead += routes.length;
  const changes: ReleaseChanges = { upserts: [], deletes: [] };
  store(s, fresh, changes);
  announce(s, changes);
}

/** Stores the fresh releases of some routes, adding to `changes` what differs from the old ones. */
function store(s: IndexState, fresh: Map<string, ServiceRelease[]>, changes: ReleaseChanges) {
  for (const [uid, next] of fresh) {
    const before = s.byRoute.get(uid) ?? [];
    const nextIds = new Set(next.map((r) => r.id));
    for (const old of before) {
      if (!nextIds.has(old.id) && s.byId.get(old.id) === old) {
        s.byId.delete(old.id);
        changes.deletes.push(old.id);
      }
    }
    for (const r of next) {
      const old = s.byId.get(r.id);
      s.byId.set(r.id, r);
      if (!old || JSON.stringify(old) !== JSON.stringify(r)) changes.upserts.push(r);
      else {
        changes.touched = changes.touched ?? [];
        changes.touched.push(r.id);
      }
    }
    if (next.length > 0) s.byRoute.set(uid, next);
    else s.byRoute.delete(uid);
  }
}

function cancelTick(s: IndexState) {
  if (s.timer !== undefined) s.clock.clearTimeout(s.timer);
  s.timer = undefined;
}

/** Reads a pending full read one chunk per turn, then what changed meanwhile (a few routes) at once. */
async function catchUp(s: IndexState, nextTurn: () => Promise<void>) {
  while (!s.disposed && (s.pass || needsFullRead(s))) {
    // The tick would step the same pass in the same turn (two chunks a turn): this loop steps it.
    cancelTick(s);
    if (!s.pass) beginPass(s);
    stepPass(s, false);
    if (s.pass) await nextTurn();
  }
  cancelTick(s);
  recompute(s);
}

function announce(s: IndexState, changes: ReleaseChanges) {
  if (changes.upserts.length > 0 || changes.deletes.length > 0 || (changes.touched?.length ?? 0) > 0)
    for (const l of s.listeners) l(changes);
}

/**
 * ServiceReleases computed from one session's cache with the routing core, kept current by
 * recomputing only the routes whose inputs changed: the route itself, a DestinationRule or
 * Service of one of its hosts, or a Deployment / ReplicaSet / Pod selected by such a Service.
 */
export function createReleaseIndex(options: ReleaseIndexOptions): ReleaseIndex {
  const s: IndexState = {
    ...createReleaseIndexEntries(options.cache.get?.bind(options.cache)),
    cache: options.cache,
    read: options.read,
    clock: options.clock,
    intervalMs: options.intervalMs ?? 100,
    fullReadThreshold: options.fullReadThreshold ?? 200,
    fullReadChunk: options.fullReadChunk ?? 100,
    byRoute: new Map(),
    byId: new Map(),
    listeners: new Set(),
    stats: { fullReads: 0, partialReads: 0, routesRead: 0 },
    dirtyRoutes: new Set(),
    everything: true,
    timer: undefined,
    disposed: false,
    pass: undefined,
    catchingUp: undefined,
    strings: createStringPool(),
    readFailures: new Map(),
    onReadFailure: options.onReadFailure ?? ((m) => console.error(m)),
  };
  const { cache, clock, byId, listeners } = s;
  const nextTurn = () => new Promise<void>((resolve) => clock.setTimeout(resolve, 0));

  for (const o of cache.all()) indexObject(s, o, true);
  const unsubscribe = cache.onChange((changes) => onChange(s, changes));
  schedule(s);

  return {
    releases: () => [...byId.values()],
    get size() {
      return byId.size;
    },
    get: (id) => byId.get(id),
    routesClaiming: (hosts) => routesClaiming(s, hosts),
    onChanges(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush() {
      if (s.timer !== undefined) clock.clearTimeout(s.timer);
      s.timer = undefined;
      recompute(s);
    },
    whenCurrent() {
      // Callers share one catch-up: each stepping the pass on its own read that many chunks a turn.
      if (!s.catchingUp) {
        const run: Promise<void> = catchUp(s, nextTurn).finally(() => {
          if (s.catchingUp === run) s.catchingUp = undefined;
        });
        s.catchingUp = run;
      }
      return s.catchingUp;
    },
    stats: s.stats,
    dispose() {
      s.disposed = true;
      unsubscribe();
      if (s.timer !== undefined) clock.clearTimeout(s.timer);
    },
  };
}
