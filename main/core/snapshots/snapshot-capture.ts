// Keeps each synced session's offline snapshot current: a write soon after the session is followed
// and after its cache changes (trailing debounce, at most one write per interval per context, and
// no longer than the interval behind a cache that never stops changing), flushed on close/dispose.

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { Clock } from '../cluster/clock.ts';
import { systemClock } from '../cluster/clock.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { WatchCache } from '../cluster/watch-cache.ts';
import { isSnapshotKind } from './snapshot-schema.ts';
import type { SnapshotSaveStats, SnapshotStore } from './snapshot-store.ts';

export interface SnapshotCaptureDependencies {
  store: Pick<SnapshotStore, 'save'>;
  /** The names written into the snapshot (from the context list). */
  describe(contextId: string): Promise<{ contextName: string; cluster: string }>;
  clock?: Clock;
  /** Quiet time after the last change before writing (default 2 s). */
  debounceMs?: number;
  /** At most one write per this many ms per context (default 10 s). */
  minIntervalMs?: number;
  onSaved?: (contextId: string, stats: SnapshotSaveStats) => void;
  onError?: (contextId: string, err: unknown) => void;
}

export interface SnapshotCapture {
  /** Follows the session's cache (again, after a reconnect) and schedules a write. */
  track(contextId: string, session: ClusterSession): void;
  /** Writes what is pending now (all contexts when no id), and waits for writes in flight. */
  flush(contextId?: string): Promise<void>;
  /** Flushes, then stops following the context. */
  untrack(contextId: string): Promise<void>;
  dispose(): Promise<void>;
}

interface Tracked {
  session: ClusterSession;
  cache?: WatchCache;
  off?: () => void;
  timer?: unknown;
  pendingSince?: number;
  lastWriteAt?: number;
  writing?: Promise<void>;
  /** Changed while a write was in flight: schedule another once it ends. */
  again: boolean;
}

const LIVE = new Set(['connected', 'read-only']);

export function createSnapshotCapture(deps: SnapshotCaptureDependencies): SnapshotCapture {
  const clock = deps.clock ?? systemClock;
  const debounceMs = deps.debounceMs ?? 2_000;
  const minIntervalMs = deps.minIntervalMs ?? 10_000;
  const tracked = new Map<string, Tracked>();
  let disposed = false;

  function schedule(contextId: string, t: Tracked) {
    if (disposed || tracked.get(contextId) !== t) return;
    if (t.writing) {
      t.again = true;
      return;
    }
    const now = clock.now();
    t.pendingSince ??= now;
    const earliest = t.lastWriteAt === undefined ? now : t.lastWriteAt + minIntervalMs;
    // Trailing: each change pushes the write back, but never past one interval after the first.
    const due = Math.max(earliest, Math.min(now + debounceMs, t.pendingSince + minIntervalMs));
    if (t.timer !== undefined) clock.clearTimeout(t.timer);
    t.timer = clock.setTimeout(() => {
      t.timer = undefined;
      void run(contextId, t);
    }, due - now);
  }

  function run(contextId: string, t: Tracked): Promise<void> {
    if (t.writing) return t.writing;
    const cache = t.session.cache;
    if (!cache || cache !== t.cache || !LIVE.has(t.session.info().status)) {
      t.pendingSince = undefined;
      return Promise.resolve();
    }
    if (!cache.synced) {
      // Not listed yet: look again after the debounce (the last list may bring no change).
      t.pendingSince = undefined;
      schedule(contextId, t);
      return Promise.resolve();
    }
    // Read now, synchronously: the cache replaces objects on change, so these stay as they are.
    const objects: KubeObject[] = [];
    for (const o of cache.all()) if (isSnapshotKind(o.kind)) objects.push(o);
    const capturedAt = new Date(clock.now()).toISOString();
    const grants = cache.streams().some((st) => st.resource === 'referencegrants');
    t.pendingSince = undefined;
    t.lastWriteAt = clock.now();
    t.writing = (async () => {
      try {
        const names = await deps.describe(contextId);
        const header = {
          contextId,
          capturedAt,
          ...names,
          ...(grants ? { referenceGrants: 'watched' as const } : {}),
        };
        const stats = await deps.store.save(header, objects);
        deps.onSaved?.(contextId, stats);
      } catch (err) {
        deps.onError?.(contextId, err);
      } finally {
        t.writing = undefined;
        if (t.again) {
          t.again = false;
          schedule(contextId, t);
        }
      }
    })();
    return t.writing;
  }

  async function flushOne(contextId: string, t: Tracked) {
    if (t.writing) await t.writing;
    if (t.timer !== undefined) {
      clock.clearTimeout(t.timer);
      t.timer = undefined;
      await run(contextId, t);
    }
  }

  function stop(t: Tracked) {
    t.off?.();
    t.off = undefined;
    if (t.timer !== undefined) clock.clearTimeout(t.timer);
    t.timer = undefined;
  }

  async function flush(contextId?: string) {
    const targets = contextId === undefined ? [...tracked] : [[contextId, tracked.get(contextId)] as const];
    await Promise.all(targets.map(([id, t]) => (t ? flushOne(id, t) : undefined)));
  }

  return {
    track(contextId, session) {
      if (disposed) return;
      let t = tracked.get(contextId);
      if (!t || t.session !== session) {
        if (t) stop(t);
        t = { session, again: false };
        tracked.set(contextId, t);
      }
      const cache = session.cache;
      if (!cache || cache === t.cache) return;
      const mine = t;
      t.off?.();
      t.cache = cache;
      t.off = cache.onChange((changes) => {
        if (changes.some((c) => isSnapshotKind(c.object.kind))) schedule(contextId, mine);
      });
      schedule(contextId, t);
    },
    flush,
    async untrack(contextId) {
      const t = tracked.get(contextId);
      if (!t) return;
      await flushOne(contextId, t);
      stop(t);
      if (tracked.get(contextId) === t) tracked.delete(contextId);
    },
    async dispose() {
      await flush();
      disposed = true;
      for (const t of tracked.values()) stop(t);
      tracked.clear();
    },
  };
}
