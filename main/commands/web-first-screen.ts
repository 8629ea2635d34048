import type { ApiHandlers } from '../core/api-dispatch.ts';
import type { FirstScreenGate } from '../core/first-screen-gate.ts';
import type { FirstScreen } from '../server/first-screen-page.ts';
import type { WebCore } from './web-core-loader.ts';

/**
 * What `switchyard web` renders into each page it serves (main/server/first-screen-page.ts): the
 * first calls answered as the socket answers them (through `handlers`, checked against the
 * contract), as one JSON object, and the first screen rendered from that JSON.
 */
export function firstScreenRenderer(
  gate: Pick<FirstScreenGate, 'pageCame'>,
  loadCore: () => Promise<Pick<WebCore, 'dispatchCall' | 'renderFirstScreen' | 'FIRST_ANSWER_CALLS'>>,
  handlers: Promise<ApiHandlers>,
): () => Promise<FirstScreen | undefined> {
  return async () => {
    // A page is on its way: what waits for its first screen (the demo mesh's seeding) waits for
    // it to paint, not for the cluster list this render is about to answer.
    gate.pageCame();
    const [{ dispatchCall, renderFirstScreen, FIRST_ANSWER_CALLS }, calls] = await Promise.all([
      loadCore(),
      handlers,
    ]);
    const results = await Promise.all(FIRST_ANSWER_CALLS.map((c) => dispatchCall(calls, c, {})));
    const answers = JSON.stringify(Object.fromEntries(FIRST_ANSWER_CALLS.map((c, i) => [c, results[i]])));
    const html = renderFirstScreen(answers);
    return html === undefined ? undefined : { answers, html };
  };
}
