// A watch: newline-delimited JSON streamed from the API server, one object at a time, until the
// server ends it, the signal aborts, or nothing arrives for `idleMs` (a dead connection).

import type { ClientRequest, IncomingMessage } from 'node:http';
import { apiErrorOf, describeError, KubeConnectionError, redirectErrorOf } from './kube-http-errors.ts';
import { AnswerTooLargeError, onAbort, openRequest, readBody } from './kube-http-request.ts';
import type { KubeHttpContext, KubeRequest } from './kube-http-types.ts';

type StreamRequest = KubeRequest & { idleMs?: number; onOpen?: () => void };

/**
 * The longest line a watch may send. An event is one object, and the API server keeps objects
 * under a few MiB; a longer line is a broken or hostile server, not an object to buffer forever.
 */
export const MAX_WATCH_LINE_CHARS = 32 * 1024 * 1024;

/**
 * Reads the answer's lines into `onObject` as they arrive; `touch` on every chunk, `settle` once
 * (with an error when a line is not JSON or too long, `onObject` throws, or the stream is cut).
 * A line's pieces are kept apart until its newline comes, and only a new chunk is searched for
 * one, so a line spread over many chunks costs its length once, not once per chunk.
 */
function readLines(
  res: IncomingMessage,
  request: ClientRequest,
  what: string,
  onObject: (obj: unknown) => void,
  touch: () => void,
  settle: (err?: Error) => void,
): void {
  res.setEncoding('utf8');
  let pieces: string[] = [];
  let pending = 0;
  let failed = false;
  const fail = (err: Error) => {
    failed = true;
    request.destroy();
    settle(err);
  };
  const deliver = (text: string) => {
    const line = text.trim();
    if (line === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return fail(new KubeConnectionError(`${what} sent a line that is not JSON`));
    }
    try {
      onObject(obj);
    } catch (err) {
      fail(err as Error);
    }
  };
  res.on('data', (chunk: string) => {
    if (failed) return;
    touch();
    let start = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1 && !failed) {
      const piece = chunk.slice(start, nl);
      const text = pieces.length > 0 ? pieces.join('') + piece : piece;
      pieces = [];
      pending = 0;
      deliver(text);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (failed || start === chunk.length) return;
    pieces.push(start === 0 ? chunk : chunk.slice(start));
    pending += chunk.length - start;
    if (pending > MAX_WATCH_LINE_CHARS)
      fail(
        new KubeConnectionError(`${what} sent a line longer than ${MAX_WATCH_LINE_CHARS / 1024 / 1024} MiB`),
      );
  });
  res.on('end', () => {
    const rest = failed ? '' : pieces.join('').trim();
    if (rest !== '') {
      try {
        onObject(JSON.parse(rest));
      } catch {
        // a half line cut by the server's close: the relist/rewatch covers it
      }
    }
    settle();
  });
  res.on('error', (err) => settle(new KubeConnectionError(`${what} broke off: ${err.message}`)));
  res.on('aborted', () => settle(new KubeConnectionError(`${what} was cut by the server`)));
  // A socket destroyed mid-stream may end with only 'close' (no 'end', no 'error').
  res.on('close', () => {
    if (!res.complete) settle(new KubeConnectionError(`${what} was cut by the server`));
    else settle();
  });
}

export async function streamRequest(
  ctx: KubeHttpContext,
  req: StreamRequest,
  onObject: (obj: unknown) => void,
): Promise<void> {
  const { server } = ctx;
  const { request, url } = await openRequest(ctx, req);
  const what = `${req.method ?? 'GET'} ${url.pathname}`;
  const idleMs = req.idleMs ?? 0;
  return new Promise<void>((resolve, reject) => {
    let finished = false;
    let idle: NodeJS.Timeout | undefined;
    // Set below; a signal already aborted settles before onAbort returns, so it must exist by then.
    let detach = () => {};
    const settle = (err?: Error) => {
      if (finished) return;
      finished = true;
      if (idle) clearTimeout(idle);
      detach();
      if (err) reject(err);
      else resolve();
    };
    const touch = () => {
      if (!idleMs) return;
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => {
        request.destroy();
        settle(new KubeConnectionError(`${server} sent nothing on ${what} for ${idleMs / 1000} s`));
      }, idleMs);
    };
    detach = onAbort(req.signal, () => {
      request.destroy();
      settle();
    });
    touch();
    request.on('error', (err: Error & { code?: string }) => {
      settle(new KubeConnectionError(`cannot reach ${server}: ${describeError(err)}`));
    });
    request.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 400) {
        if (status === 401) ctx.onUnauthorized();
        readBody(res, ctx.maxAnswerChars).then(
          (text) => settle(apiErrorOf(status, text, what)),
          (err: Error) =>
            settle(
              new KubeConnectionError(
                err instanceof AnswerTooLargeError ? `${what} ${err.message}` : err.message,
              ),
            ),
        );
        return;
      }
      if (status >= 300) {
        res.resume();
        request.destroy();
        settle(redirectErrorOf(status, res.headers.location, what));
        return;
      }
      req.onOpen?.();
      readLines(res, request, what, onObject, touch, settle);
    });
  });
}
