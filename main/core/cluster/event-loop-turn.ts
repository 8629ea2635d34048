// Long work in main (parsing a list page, storing a kind's 50,000 objects, reading every release)
// goes in slices: after a few milliseconds of work it waits for the event loop's next turn, so
// IPC, timers and the watch streams are served in between and no stall exceeds the budget.

/** Resolves after the event loop has had a turn (I/O included: setImmediate runs after poll). */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
