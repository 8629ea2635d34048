// Long work in main (parsing a list page, storing a kind's 50,000 objects, reading every release)
// goes in slices: after a few milliseconds of work it waits for the event loop's next turn, so
// IPC, timers and the watch streams are served in between and no stall exceeds the budget.
//
// The waits are served one per turn, first come first served: a cold start lists two kinds at
// once, and each stream parses its page and stores its list in slices of its own; woken all in the
// same turn, three or four slices of 8 ms (each a little over, once its listeners have run) held
// the event loop 35-70 ms at a time at 50,000 services.

const waiting: Array<() => void> = [];
let scheduled = false;

function wakeOne() {
  scheduled = false;
  const next = waiting.shift();
  if (waiting.length > 0) {
    scheduled = true;
    setImmediate(wakeOne);
  }
  next?.();
}

/**
 * Resolves after the event loop has had a turn (I/O included: setImmediate runs after poll), and
 * after every earlier waiter has had a turn of its own.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(wakeOne);
    }
  });
}

/** How long one slice of background work may hold the event loop. */
export const SLICE_BUDGET_MS = 8;

/** A stopwatch for one piece of sliced work: `due()` once the slice has used its budget. */
export function sliceTimer(budgetMs = SLICE_BUDGET_MS) {
  let start = performance.now();
  return {
    due: () => performance.now() - start >= budgetMs,
    async pause() {
      await nextTurn();
      start = performance.now();
    },
  };
}

/**
 * Hands `items` to `feed` in batches of at most `batchSize`, all within slices of `budgetMs` with
 * a turn of the event loop between them. What `feed` does counts against the slice: collecting is
 * cheap, feeding (indexing) is not, and a slice that only collected gathered everything first.
 */
export async function feedInSlices<T>(
  items: Iterable<T>,
  feed: (batch: T[]) => void,
  budgetMs = SLICE_BUDGET_MS,
  batchSize = 256,
): Promise<void> {
  const slice = sliceTimer(budgetMs);
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length >= batchSize || slice.due()) {
      feed(batch);
      batch = [];
    }
    if (slice.due()) await slice.pause();
  }
  if (batch.length > 0) feed(batch);
}
