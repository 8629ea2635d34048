import type { AppInfo, ContextList, DemoStatus } from '../../../shared/api/contract.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';

// Browser mode: the server answers the first screen's questions inside the page it serves (a JSON
// data block, `FIRST_ANSWERS_ID`) and renders the first screen from them into #root, so the page
// paints the cluster list before any script has run (issue 13). The app starts its stores from
// the same answers, so its first render matches that markup and React hydrates it. The answers are
// only where the app starts: the app still asks its first calls over the socket once it runs, and
// takes what they answer (and every event after them), as without this block.
// Zod-free on purpose: the first screen loads no schema (renderer/src/api/event-gate.ts says why).

/** The id of the page's data block (main/server/web-server.ts writes it). */
export const FIRST_ANSWERS_ID = 'switchyard-first';

/** What the server answered to the first screen's calls, each with an empty request. */
export interface FirstAnswers {
  'app.info': ApiResult<AppInfo>;
  'contexts.list': ApiResult<ContextList>;
  'demo.status': ApiResult<DemoStatus>;
}

/** The calls the block answers, in the order the server asks them. */
export const FIRST_ANSWER_CALLS = ['app.info', 'contexts.list', 'demo.status'] as const;

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** An answer as the contract's results are shaped: a value, or an error with a code and message. */
function isResult(x: unknown, value: (v: Record<string, unknown>) => boolean): boolean {
  if (!isRecord(x)) return false;
  if (x.ok === true) return isRecord(x.value) && value(x.value);
  return (
    x.ok === false &&
    isRecord(x.error) &&
    typeof x.error.code === 'string' &&
    typeof x.error.message === 'string'
  );
}

/**
 * The answers, when `text` is a block the server wrote: each of the three results shaped as the
 * contract says (checked by hand, field by field the first screen reads); otherwise undefined,
 * and the app starts as it would without them.
 */
export function parseFirstAnswers(text: string | null | undefined): FirstAnswers | undefined {
  if (!text) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data)) return undefined;
  const ok =
    isResult(data['app.info'], (v) => typeof v.version === 'string' && typeof v.mode === 'string') &&
    isResult(
      data['contexts.list'],
      (v) =>
        Array.isArray(v.contexts) &&
        v.contexts.every((c) => isRecord(c) && typeof c.id === 'string' && typeof c.name === 'string') &&
        Array.isArray(v.problems),
    ) &&
    isResult(data['demo.status'], (v) => typeof v.running === 'boolean');
  return ok ? (data as unknown as FirstAnswers) : undefined;
}

/** The block in this page, if the server wrote one. */
export function readFirstAnswers(doc: Pick<Document, 'getElementById'>): FirstAnswers | undefined {
  return parseFirstAnswers(doc.getElementById(FIRST_ANSWERS_ID)?.textContent);
}
