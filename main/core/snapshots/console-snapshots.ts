// The console's offline snapshots in one place: the store under `<dataDir>/snapshots`, the capture
// that keeps it current while sessions are synced, and the fallback that answers a call from the
// snapshot when the context cannot be reached live.

import { join } from 'node:path';
import type { KubeconfigProblem } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { Clock } from '../cluster/clock.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { ReleaseLinter } from '../views/release-views.ts';
import type { OfflineSnapshot } from './offline-views.ts';
import { createOfflineViews } from './offline-views.ts';
import type { SnapshotCaptureDependencies } from './snapshot-capture.ts';
import { createSnapshotCapture } from './snapshot-capture.ts';
import { createSnapshotStore } from './snapshot-store.ts';

export interface SnapshotOptions {
  /** Quiet time after a change before a snapshot is written (default 2 s). */
  debounceMs?: number;
  /** At most one write per context per this many ms (default 10 s). */
  minIntervalMs?: number;
  clock?: Clock;
  onSaved?: SnapshotCaptureDependencies['onSaved'];
}

export interface ConsoleSnapshotsDependencies extends SnapshotOptions {
  dataDir: string;
  lint: ReleaseLinter;
  describe: SnapshotCaptureDependencies['describe'];
  log?: (message: string) => void;
}

/** Failures that mean "not connected": not open, in error, demo stopped, not synced in time. */
export function isOffline(err: unknown): err is ApiFailure {
  return err instanceof ApiFailure && (err.code === 'unavailable' || err.code === 'timeout');
}

export function createConsoleSnapshots(deps: ConsoleSnapshotsDependencies) {
  const log = deps.log ?? ((m: string) => console.warn(m));
  const store = createSnapshotStore({
    dir: join(deps.dataDir, 'snapshots'),
    onProblem: (p) =>
      log(`offline snapshot ${p.file} could not be read: ${p.reason}; set aside as ${p.setAsideAs ?? '-'}`),
  });
  const views = createOfflineViews({ store, lint: deps.lint });
  const capture = createSnapshotCapture({
    store,
    describe: deps.describe,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.debounceMs !== undefined ? { debounceMs: deps.debounceMs } : {}),
    ...(deps.minIntervalMs !== undefined ? { minIntervalMs: deps.minIntervalMs } : {}),
    onSaved: (contextId, stats) => {
      views.forget(contextId);
      deps.onSaved?.(contextId, stats);
    },
    onError: (contextId, err) =>
      log(`could not write the offline snapshot of ${contextId}: ${(err as Error).message ?? String(err)}`),
  });

  return {
    store,
    track: (contextId: string, session: ClusterSession) => capture.track(contextId, session),
    untrack: (contextId: string) => capture.untrack(contextId),
    flush: (contextId?: string) => capture.flush(contextId),
    times: () => store.times(),
    /** Snapshot files set aside, or kept as a newer Switchyard's, as problems of the context list. */
    async problems(): Promise<KubeconfigProblem[]> {
      return (await store.problems()).map((p) => ({
        file: join(store.dir, p.setAsideAs ?? p.file),
        message: p.newer
          ? `the offline snapshot ${p.reason}`
          : `the offline snapshot ${p.file} could not be read and was set aside: ${p.reason}`,
      }));
    },
    /**
     * Answers `live()`, or when the context is not connected, `offline(snapshot)`. Without a snapshot
     * the live failure stands (or `noSnapshot`'s, when given); a bad snapshot file is named in it.
     */
    async liveOrSnapshot<T>(
      contextId: string,
      live: () => Promise<T>,
      offline: (snapshot: OfflineSnapshot) => T | Promise<T>,
      noSnapshot?: (err: ApiFailure) => ApiFailure,
    ): Promise<T> {
      try {
        return await live();
      } catch (err) {
        if (!isOffline(err)) throw err;
        const loaded = await views.get(contextId);
        if (loaded && 'offline' in loaded) return await offline(loaded.offline);
        const failure = noSnapshot ? noSnapshot(err) : err;
        if (!loaded) throw failure;
        const where = loaded.problem.setAsideAs ? ` and was set aside as ${loaded.problem.setAsideAs}` : '';
        throw new ApiFailure(
          failure.code,
          `${failure.message}; its offline snapshot could not be read (${loaded.problem.reason})${where}`,
        );
      }
    },
    async dispose() {
      await capture.dispose();
    },
  };
}

export type ConsoleSnapshots = ReturnType<typeof createConsoleSnapshots>;
