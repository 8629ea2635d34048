// A watch: newline-delimited JSON streamed from the API server, one object at a time, until the
// server ends it, the signal aborts, or nothing arrives for `idleMs` (a dead connection).

import type { ClientRequest, IncomingMessage } from 'node:http';
import { apiErrorOf, describeError, KubeConnectionError } from './kube-http-errors.ts';
import { onAbort, openRequest, readBody } from './kube-http-request.ts';
import type { KubeHttpContext, KubeRequest } from './kube-http-types.ts';

type StreamRequest = KubeRequest & { idleMs?: number; onOpen?: () => void };

/**
 * Reads the answer's lines into `onObject` as they arrive; `touch` on every chunk, `settle` once
 * (with an error when a line is not JSON, `onObject` throws, or the stream is cut).
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
  let buffer = '';
  res.on('data', (chunk: string) => {
    touch();
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl !== -1) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line !== '') {
        let obj: unknown;
        try {
          obj = JSON.parse(line);
        } catch {
          request.destroy();
          settle(new KubeConnectionError(`${what} sent a line that is not JSON`));
          return;
        }
        try {
          onObject(obj);
        } catch (err) {
          request.destroy();
          settle(err as Error);
          return;
        }
      }
      nl = buffer.indexOf('\n');
    }
  });
  res.on('end', () => {
    const rest = buffer.trim();
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
        readBody(res).then(
          (text) => settle(apiErrorOf(status, text, what)),
          (err: Error) => settle(new KubeConnectionError(err.message)),
        );
        return;
      }
      req.onOpen?.();
      readLines(res, request, what, onObject, touch, settle);
    });
  });
}
