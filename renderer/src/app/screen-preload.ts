// The screens the first screen does not show (a service's release view, fleets, drafts, history,
// the review dialog, the shortcuts sheet) are separate chunks, loaded by React.lazy. Each is
// loaded once, by whichever comes first: its first render, or the preload that starts when the
// first screen has painted, so that an operator's first click finds the code already there.

/** One screen's module, imported at most once and kept once it is there. */
export interface ScreenModule<M> {
  load(): Promise<M>;
  /** The module once its import finished, else undefined. */
  loaded(): M | undefined;
}

export function screenModule<M>(importer: () => Promise<M>): ScreenModule<M> {
  let pending: Promise<M> | undefined;
  let done: M | undefined;
  return {
    load() {
      pending ??= importer().then(
        (m) => {
          done = m;
          return m;
        },
        (error: unknown) => {
          // A failed chunk load (a rebuilt app, a dropped connection) may be tried again.
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    loaded: () => done,
  };
}

/** Runs a task later, when the page has nothing more urgent to do. */
export type Scheduler = (task: () => void) => void;

/** requestIdleCallback where there is one (with a deadline, so a busy page still gets there). */
export const whenIdle: Scheduler = (task) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(task, 50);
};

/**
 * A start function for preloading the modules: the first call schedules them one after another,
 * each in its own idle slot (so the first screen's input is never held up by more than one
 * module's evaluation); later calls do nothing. A module that fails to load is left to its
 * first render, which shows the error the usual way.
 */
export function screenPreload(modules: readonly ScreenModule<unknown>[], schedule: Scheduler = whenIdle) {
  let started = false;
  return function start(): void {
    if (started) return;
    started = true;
    const next = (i: number) => {
      const m = modules[i];
      if (!m) return;
      schedule(() => {
        m.load().then(
          () => next(i + 1),
          () => next(i + 1),
        );
      });
    };
    next(0);
  };
}
