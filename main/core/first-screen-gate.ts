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
}

/**
 * What the demo mesh's start waits for: the first screen's cluster list answered, or `noPageMs`
 * without any page (a `switchyard web --demo` nobody opened yet), or `pageMs` after a page came.
 */
export function firstScreenGate(opts: { noPageMs: number; pageMs: number }): FirstScreenGate {
  let done: () => void = () => {};
  const served = new Promise<void>((resolve) => {
    done = resolve;
  });
  let timer = setTimeout(() => done(), opts.noPageMs);
  timer.unref();
  let pageSeen = false;
  return {
    served,
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
              done();
            });
          }),
      };
    },
  };
}
