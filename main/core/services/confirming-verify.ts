// How the console's apply engine learns that the cluster has a change: through the session's watch
// cache, the moment it holds the version the engine waits for. What the confirmation then delivers
// at once (the release recomputed instead of at the index's next 100 ms tick, release.changed and
// services.changed sent) is the engine's `onConfirmed` (console-plans.ts), called after the step's
// own progress event: the review dialog's "confirmed" does not queue behind the service view.

import type { VerifyFn } from '../apply/apply-types.ts';
import type { WatchCache } from '../cluster/watch-cache.ts';
import { refOf } from './cache-lookup.ts';

export const CONFIRM_TIMEOUT_MS = 10_000;

export function confirmingVerify(
  cache: Pick<WatchCache, 'find' | 'waitFor' | 'waitForResourceVersion'>,
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
  };
}
