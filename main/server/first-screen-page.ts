// Browser mode's page with its first screen in it (issue 13): the answers to the first screen's
// calls as a JSON data block, and that screen rendered from them into #root, so the browser
// paints the cluster list from the HTML, before any script has run. The page's app starts from the
// same answers and hydrates the markup (renderer/src/app/first-answers.ts).

/** What the web command renders for one page request. */
export interface FirstScreen {
  /** The first calls' answers, as JSON (renderer/src/app/first-answers.ts reads it back). */
  answers: string;
  /** The first screen rendered from them: the inside of #root. */
  html: string;
}

/** The id renderer/src/app/first-answers.ts looks for (FIRST_ANSWERS_ID). */
const ANSWERS_ID = 'switchyard-first';
const ROOT = '<div id="root"></div>';

/**
 * The page split at its empty #root: what goes out at once (the head: the browser fetches the
 * styles and scripts while the first screen renders) and what follows the root; undefined when the
 * page has no single empty #root (another renderer build), to be served as it is.
 */
export function pageAroundRoot(index: string): { before: string; after: string } | undefined {
  const root = index.indexOf(ROOT);
  if (root < 0 || index.indexOf(ROOT, root + 1) >= 0) return undefined;
  return { before: index.slice(0, root), after: index.slice(root + ROOT.length) };
}

/**
 * #root's attributes while it holds markup React has not taken over yet: its controls are painted
 * but do nothing (a click is lost; typed text never reaches the app's state). So the root says it
 * is busy and disabled, which assistive technology announces and a test driver such as Playwright
 * waits out before it clicks or types. The page's app takes them off once it has hydrated
 * (renderer/src/ssr/hydrated-marker.tsx).
 */
export const NOT_YET_HYDRATED = 'aria-busy="true" aria-disabled="true"';

/**
 * What goes between the two parts: #root with the first screen in it, marked as not yet hydrated,
 * and, after it, the answers as a JSON data block (the page's modules run only once the whole page
 * is parsed, so they find it); an empty #root without a first screen. The JSON's `<` are written
 * `\u003c`: nothing in it can end the block or open a comment.
 */
export function rootWithFirstScreen(first: FirstScreen | undefined): string {
  if (!first) return ROOT;
  const answers = first.answers.replace(/</g, '\\u003c');
  return `<div id="root" ${NOT_YET_HYDRATED}>${first.html}</div><script id="${ANSWERS_ID}" type="application/json">${answers}</script>`;
}

/**
 * The first screen, or undefined if it fails or takes longer than `limitMs`: the page is then
 * served without it, and its app asks and renders as it would anyway.
 */
export async function firstScreenWithin(
  render: () => Promise<FirstScreen | undefined>,
  limitMs: number,
): Promise<FirstScreen | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), limitMs);
  });
  try {
    // A render that throws at once is a failed render too, like one that rejects.
    const rendered = Promise.resolve()
      .then(render)
      .catch(() => undefined);
    return await Promise.race([rendered, late]);
  } finally {
    clearTimeout(timer);
  }
}
