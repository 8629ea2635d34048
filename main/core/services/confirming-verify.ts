// How the console's apply engine learns that the cluster has a change: through the session's watch
// cache. The confirmation is delivered at once: when the cache holds the version the engine waits
// for, the release index recomputes right away instead of at its next coalescing tick (100 ms), so
// release.changed / services.changed carry the confirmed state towards the renderer in the same turn
// of the event loop as the watch event, before the engine goes on to write its history.

import type { VerifyFn } from '../apply/apply-types.ts';
import type { WatchCache } from '../cluster/watch-cache.ts';
import { refOf } from './cache-lookup.ts';

export const CONFIRM_TIMEOUT_MS = 10_000;

export function confirmingVerify(
  cache: Pick<WatchCache, 'find' | 'waitFor' | 'waitForResourceVersion'>,
  /** The session's release index (absent while it has none): flushed on every confirmation. */
  releases: () => { flush(): void } | undefined,
  timeoutMs = CONFIRM_TIMEOUT_MS,
): VerifyFn {
  return async (target, expected) => {
    const ref = refOf(target);
    if (!ref) return;
    if ('deleted' in expected)
      await cache.waitFor(
        (c) => c.find(ref) === undefined,
        timeoutMs,
        `${target.kind} ${target.name} deleted`,
      );
    else await cache.waitForResourceVersion(ref, expected.resourceVersion, timeoutMs);
    releases()?.flush();
  };
}
