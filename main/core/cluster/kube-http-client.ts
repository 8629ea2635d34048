import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** The server answered with an error status; `reason` is the Kubernetes Status reason when given. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The server could not be reached, or did not answer in time. */
export class KubeConnectionError extends Error {
  override name = 'KubeConnectionError';
}

export interface KubeRequest {
  method?: string;
  /** Path and query below the server URL (`/apis/networking.istio.io/v1/virtualservices?limit=500`). */
  path: string;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How a successful answer's text becomes the result (JSON.parse when absent). */
  parse?: (text: string) => unknown;
}

export interface KubeHttpClient {
  readonly server: string;
  request<T = unknown>(req: KubeRequest): Promise<T>;
  /**
   * Streams newline-delimited JSON (a watch). Resolves when the server ends the stream or the
   * signal aborts; rejects on a connection error or an error status. `idleMs`: no byte for this
   * long counts as a dead connection (bookmarks and the server's own timeout keep a live one busy).
   */
  stream(
    req: KubeRequest & { idleMs?: number; onOpen?: () => void },
    onObject: (obj: unknown) => void,
  ): Promise<void>;
}

function describeError(err: Error & { code?: string }): string {
  return err.code && !err.message.includes(err.code) ? `${err.code} ${err.message}` : err.message;
}

async function readBody(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk as string;
  return text;
}

function apiErrorOf(status: number, text: string, what: string): KubeApiError {
  try {
    const s = JSON.parse(text) as { message?: string; reason?: string };
    if (s && typeof s.message === 'string') return new KubeApiError(status, s.message, s.reason);
  } catch {
    // not a Status object
  }
  const snippet = text.trim().slice(0, 200);
  return new KubeApiError(status, `${what} answered ${status}${snippet ? `: ${snippet}` : ''}`);
}

/**
 * Plain HTTP(S) to the API server with the context's credentials: client-node supplies the agent
 * (CA, client certificate, proxy-url, insecure-skip-tls-verify) and the Authorization header
 * (token, exec plugin, OIDC); timeouts, aborts and the watch stream are ours to control.
 */
export function createKubeHttpClient(
  kc: KubeConfig,
  defaults: {
    timeoutMs?: number /** Called on 401, e.g. to drop an expired exec credential. */;
    onUnauthorized?: () => void;
  } = {},
): KubeHttpClient {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const server = cluster.server.replace(/\/+$/, '');
  const defaultTimeout = defaults.timeoutMs ?? 15_000;

  async function open(req: KubeRequest): Promise<{ request: ClientRequest; url: URL }> {
    const opts: RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(opts as Parameters<KubeConfig['applyToHTTPSOptions']>[0]);
    const url = new URL(server + req.path);
    const headers: Record<string, string> = { Accept: 'application/json' };
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
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
      agent: opts.agent,
      ...(opts.auth ? { auth: opts.auth } : {}),
    });
    if (payload !== undefined) request.write(payload);
    request.end();
    return { request, url };
  }

  function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
    if (!signal) return () => {};
    if (signal.aborted) {
      fn();
      return () => {};
    }
    signal.addEventListener('abort', fn, { once: true });
    return () => signal.removeEventListener('abort', fn);
  }

  return {
    server,
    async request<T>(req: KubeRequest): Promise<T> {
      const timeoutMs = req.timeoutMs ?? defaultTimeout;
      const { request, url } = await open(req);
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
        const done = () => {
          clearTimeout(timer);
          detach();
        };
        request.on('error', (err: Error & { code?: string }) => {
          done();
          reject(
            err instanceof KubeConnectionError
              ? err
              : new KubeConnectionError(`cannot reach ${server}: ${describeError(err)}`),
          );
        });
        request.on('response', (res) => {
          readBody(res).then(
            (text) => {
              done();
              const status = res.statusCode ?? 0;
              if (status >= 400) {
                if (status === 401) defaults.onUnauthorized?.();
                return reject(apiErrorOf(status, text, what));
              }
              try {
                resolve((text === '' ? undefined : (req.parse ?? JSON.parse)(text)) as T);
              } catch {
                reject(new KubeApiError(status, `${what} answered with something that is not JSON`));
              }
            },
            (err: Error) => {
              done();
              reject(new KubeConnectionError(`${server} broke off the answer to ${what}: ${err.message}`));
            },
          );
        });
      });
    },

    async stream(req, onObject) {
      const { request, url } = await open(req);
      const what = `${req.method ?? 'GET'} ${url.pathname}`;
      const idleMs = req.idleMs ?? 0;
      return new Promise<void>((resolve, reject) => {
        let finished = false;
        let idle: NodeJS.Timeout | undefined;
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
        const detach = onAbort(req.signal, () => {
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
            if (status === 401) defaults.onUnauthorized?.();
            readBody(res).then(
              (text) => settle(apiErrorOf(status, text, what)),
              (err: Error) => settle(new KubeConnectionError(err.message)),
            );
            return;
          }
          req.onOpen?.();
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
        });
      });
    },
  };
}
