// One request to the API server: built with the context's credentials (their agent and
// Authorization header), sent, and answered within its timeout or cancelled by its signal.

import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CredentialedRequest } from '../kubeconfig/request-credentials.ts';
import {
  apiErrorOf,
  describeError,
  KubeApiError,
  KubeConnectionError,
  redirectErrorOf,
} from './kube-http-errors.ts';
import type { KubeHttpContext, KubeRequest } from './kube-http-types.ts';

/**
 * The longest answer the client reads: a list page is a few MiB, and V8 cannot hold a string of
 * more than ~512 MiB at all. A longer body (a server or proxy ignoring the list's `limit`, or one
 * that never ends) is not read further: it would grow main until "Invalid string length".
 */
export const MAX_ANSWER_CHARS = 256 * 1024 * 1024;

export class AnswerTooLargeError extends Error {
  override name = 'AnswerTooLargeError';
}

/** The answer's body as text; rejects with AnswerTooLargeError (the answer destroyed) past `limit`. */
export async function readBody(res: IncomingMessage, limit = MAX_ANSWER_CHARS): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) {
    text += chunk as string;
    if (text.length > limit) {
      res.destroy();
      throw new AnswerTooLargeError(
        `answered with more than ${mebibytes(limit)}: not read further (does something between ignore the list's limit?)`,
      );
    }
  }
  return text;
}

const mebibytes = (chars: number) =>
  chars >= 1024 * 1024 ? `${Math.round(chars / 1024 / 1024)} MiB` : `${chars} characters`;

/** Builds and sends the request (its body included); the answer arrives on the ClientRequest. */
export async function openRequest(
  ctx: KubeHttpContext,
  req: KubeRequest,
  /** Over one of the client's kept-alive connections (requests), or a connection of its own (watches). */
  pooled = false,
): Promise<{ request: ClientRequest; url: URL }> {
  const opts: CredentialedRequest = { headers: {} };
  await ctx.credentials.apply(opts);
  const url = new URL(ctx.server + req.path);
  const headers: Record<string, string> = { Accept: 'application/json' };
  for (const [k, v] of Object.entries(opts.headers)) if (v !== undefined) headers[k] = String(v);
  let payload: string | undefined;
  if (req.body !== undefined) {
    payload = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const request = send(url, {
    method: req.method ?? 'GET',
    headers,
    agent: (ctx.agents
      ? pooled
        ? ctx.agents.reuse(opts.agent)
        : ctx.agents.ownConnection(opts.agent)
      : opts.agent) as RequestOptions['agent'],
    ...(opts.auth ? { auth: opts.auth } : {}),
  });
  if (payload !== undefined) request.write(payload);
  request.end();
  return { request, url };
}

/** Runs `fn` when the signal aborts (at once when it already has); returns the detach. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/**
 * A kept-alive connection the server closed just as it was reused fails at once with no answer.
 * Such a GET is sent again on a new connection (nothing was read, so nothing happened); any other
 * method is not, as the server may have acted on it: the caller sees the error as before.
 */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

function resentOnReset(request: ClientRequest, req: KubeRequest, err: Error & { code?: string }): boolean {
  return request.reusedSocket && (req.method ?? 'GET') === 'GET' && RESET_CODES.has(err.code ?? '');
}

/** One request and its whole answer, parsed (JSON unless the request says otherwise). */
export async function sendRequest<T>(ctx: KubeHttpContext, req: KubeRequest, retried = false): Promise<T> {
  const { server } = ctx;
  const timeoutMs = req.timeoutMs ?? ctx.defaultTimeoutMs;
  const { request, url } = await openRequest(ctx, req, true);
  const what = `${req.method ?? 'GET'} ${url.pathname}`;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      request.destroy(
        new KubeConnectionError(`${server} did not answer ${what} within ${timeoutMs / 1000} s`),
      );
    }, timeoutMs);
    const detach = onAbort(req.signal, () =>
      request.destroy(new KubeConnectionError(`${what} was cancelled`)),
    );
    let answered = false;
    const done = () => {
      clearTimeout(timer);
      detach();
    };
    request.on('error', (err: Error & { code?: string }) => {
      done();
      if (!retried && !answered && resentOnReset(request, req, err)) {
        sendRequest<T>(ctx, req, true).then(resolve, reject);
        return;
      }
      reject(
        err instanceof KubeConnectionError
          ? err
          : new KubeConnectionError(`cannot reach ${server}: ${describeError(err)}`),
      );
    });
    request.on('response', (res) => {
      answered = true;
      readBody(res, ctx.maxAnswerChars).then(
        (text) => {
          done();
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            if (status === 401) ctx.onUnauthorized();
            return reject(apiErrorOf(status, text, what));
          }
          if (status >= 300) return reject(redirectErrorOf(status, res.headers.location, what));
          try {
            resolve((text === '' ? undefined : (req.parse ?? JSON.parse)(text)) as T);
          } catch {
            reject(new KubeApiError(status, `${what} answered with something that is not JSON`));
          }
        },
        (err: Error) => {
          done();
          reject(
            new KubeConnectionError(
              err instanceof AnswerTooLargeError
                ? `${what} ${err.message}`
                : `${server} broke off the answer to ${what}: ${err.message}`,
            ),
          );
        },
      );
    });
  });
}
