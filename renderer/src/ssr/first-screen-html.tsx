import { renderToString } from 'react-dom/server';
import type { ApiClient } from '../api/api-client.ts';
import { createAppStores } from '../app/app-stores.ts';
import { appTree } from '../app/app-tree.tsx';
import { type FirstAnswers, parseFirstAnswers } from '../app/first-answers.ts';

export { FIRST_ANSWER_CALLS } from '../app/first-answers.ts';

// The first screen as HTML, rendered in `switchyard web` from the first calls' answers, for the
// page to paint before its scripts run (first-answers.ts says how the page takes it over). It
// renders the app itself, with the page's own stores started from the same answers: what the
// page's first render makes of them is this markup, so React hydrates it instead of replacing it.

/** A client that answers nothing: rendering to a string runs no effect, so nothing calls it. */
function inertClient(): ApiClient {
  return {
    call: () => new Promise(() => {}),
    on: () => () => {},
    loadEventChecks: () => Promise.resolve(),
    transport: {
      call: () => new Promise(() => {}),
      on: () => () => {},
      onStatus: () => () => {},
    },
  };
}

/**
 * The first screen's markup for #root, from the answers as the page will read them back (the
 * JSON the server puts in the page): undefined when they are not answers the page would take.
 */
export function renderFirstScreen(answersJson: string): string | undefined {
  const first: FirstAnswers | undefined = parseFirstAnswers(answersJson);
  if (!first) return undefined;
  const stores = createAppStores(inertClient(), first);
  return renderToString(appTree(stores));
}
