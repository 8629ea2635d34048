import type { Clock } from './clock.ts';

/** Changes towards the renderer: objects by uid, the newest version of each. */
export interface ObjectBatch<T> {
  upserts: T[];
  /** uids of objects that are gone. */
  deletes: string[];
}

export interface BatchCoalescer<T> {
  upsert(uid: string, value: T): void;
  delete(uid: string): void;
  /** Sends what is pending now (e.g. before the session closes). */
  flush(): void;
  dispose(): void;
}

/**
 * Collects changes and hands them on at most once per `intervalMs` (100 ms → at most 10 batches a
 * second). The first change after a quiet spell leaves at once; changes to the same uid within a
 * window collapse to the last one, so a burst of 5,000 updates costs the renderer one render.
 */
export function createBatchCoalescer<T>(
  clock: Clock,
  send: (batch: ObjectBatch<T>) => void,
  intervalMs = 100,
): BatchCoalescer<T> {
  const upserts = new Map<string, T>();
  const deletes = new Set<string>();
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: unknown;
  let disposed = false;

  function flush() {
    if (timer !== undefined) {
      clock.clearTimeout(timer);
      timer = undefined;
    }
    if (upserts.size === 0 && deletes.size === 0) return;
    const batch: ObjectBatch<T> = { upserts: [...upserts.values()], deletes: [...deletes] };
    upserts.clear();
    deletes.clear();
    lastSent = clock.now();
    send(batch);
  }

  function schedule() {
    if (disposed || timer !== undefined) return;
    const wait = lastSent + intervalMs - clock.now();
    if (wait <= 0) {
      flush();
      return;
    }
    timer = clock.setTimeout(() => {
      timer = undefined;
      flush();
    }, wait);
  }

  return {
    upsert(uid, value) {
      deletes.delete(uid);
      upserts.set(uid, value);
      schedule();
    },
    delete(uid) {
      upserts.delete(uid);
      deletes.add(uid);
      schedule();
    },
    flush,
    dispose() {
      disposed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      upserts.clear();
      deletes.clear();
    },
  };
}
