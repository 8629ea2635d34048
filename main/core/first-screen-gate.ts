import type { ApiHandlers } from './api-dispatch.ts';

export interface FirstScreenGate {
  /** Settles once the first `contexts.list` has been answered, or when the wait ran out. */
  served: Promise<void>;
  /** Wraps the handlers so that the first answered `contexts.list` settles `served`. */
  watch(handlers: ApiHandlers): ApiHandlers;
  /**
   * A page is loading (its script was served, or the window began to load): the wait becomes
   * `pageMs`, counted from now, so that work held back for the first screen (the demo mesh's
   * seeding) does not start while that page is still on its way to its first call.
   */
  pageCame(): void;
  /**
   * The page has painted its first screen (browser mode: it asked for a script that is not one of
   * its first, which it does only once the cluster list is on screen): open now.
   */
  painted(): void;
}

/**
 * What the demo mesh's start waits for: the first screen's cluster list answered (and then
 * `afterListMs` more, unless the page says it painted first), or `noPageMs` without any page (a
 * `switchyard web --demo` nobody opened yet), or `pageMs` after a page came.
 *
 * `afterListMs`: in browser mode the page asks for its cluster list before its app has even run
 * (renderer/public/socket-boot.js), so the answer no longer means the screen is there; seeding the
 * demo mesh then competed with the page's first render for the two cores (first screen 682 ms
 * against 479 ms, same run, alternated). There the gate waits for `painted()`, or `afterListMs`
 * after the answer should that never come (with a page: a client of the socket alone is answered at
 * once). The desktop app asks from its app: 0 there.
 */
export function firstScreenGate(opts: {
  noPageMs: number;
  pageMs: number;
  afterListMs?: number;
}): FirstScreenGate {
  let done: () => void = () => {};
  const served = new Promise<void>((resolve) => {
    done = resolve;
  });
  let timer = setTimeout(() => done(), opts.noPageMs);
  timer.unref();
  let pageSeen = false;
  return {
    served,
    painted() {
      clearTimeout(timer);
      setImmediate(() => done());
    },
    pageCame() {
      if (pageSeen) return;
      pageSeen = true;
      clearTimeout(timer);
      timer = setTimeout(() => done(), opts.pageMs);
      timer.unref();
    },
    watch(handlers) {
      const list = handlers['contexts.list'];
      return {
        ...handlers,
        'contexts.list': (request) =>
          list(request).finally(() => {
            // After the answer has been written to the socket.
            setImmediate(() => {
              clearTimeout(timer);
              // Without a page (a client of the socket alone), nothing is going to paint.
              if (!opts.afterListMs || !pageSeen) return done();
              timer = setTimeout(() => done(), opts.afterListMs);
              timer.unref();
            });
          }),
      };
    },
  };
}
