export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** A number in [0, 1): injectable so tests can pin the jitter. */
  random?: () => number;
}

export interface Backoff {
  /** The delay before the next attempt; each call grows the ceiling until maxMs. */
  next(): number;
  /** After a success: the next failure starts again from initialMs. */
  reset(): void;
  readonly attempts: number;
}

/**
 * Exponential backoff with "equal jitter": half of each step is fixed and half random, so a fleet
 * of watches that lost the same server does not reconnect in lockstep, yet no retry comes at once.
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      const ceiling = Math.min(maxMs, initialMs * factor ** attempts);
      attempts++;
      const half = ceiling / 2;
      return Math.round(half + random() * half);
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
