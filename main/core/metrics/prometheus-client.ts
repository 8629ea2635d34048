import { createBackoff } from '../cluster/backoff.ts';
import type { KubeHttpClient } from '../cluster/kube-http-client.ts';
import { KubeApiError } from '../cluster/kube-http-client.ts';

/** Why a query gave no answer: Prometheus unreachable, refusing us, or rejecting the query. */
export class PrometheusError extends Error {
  override name = 'PrometheusError';
  constructor(
    readonly kind: 'unreachable' | 'rejected' | 'bad-query' | 'bad-answer',
    message: string,
    /** Worth asking again (a connection problem or a 5xx/429), as opposed to a wrong query. */
    readonly retryable = kind === 'unreachable',
  ) {
    super(message);
  }
}

/** GETs one path below Prometheus's base (`/api/v1/query?...`) and answers the parsed JSON body. */
export interface PrometheusTransport {
  /** Where Prometheus is, in words for the operator (no credentials). */
  readonly description: string;
  get(pathAndQuery: string, timeoutMs: number): Promise<unknown>;
}

export type PrometheusAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string };

/**
 * Through the API server's service proxy: same credentials and TLS as the cluster session, no
 * port-forward. Prometheus's own 4xx answers arrive as the proxy's status with Prometheus's body.
 */
export function kubeProxyTransport(client: KubeHttpClient, proxyPath: string, description: string) {
  const base = proxyPath.replace(/\/+$/, '');
  return {
    description,
    async get(pathAndQuery: string, timeoutMs: number) {
      try {
        return await client.request({ path: base + pathAndQuery, timeoutMs });
      } catch (err) {
        if (err instanceof KubeApiError) {
          const bad = err.status === 400 || err.status === 422;
          throw new PrometheusError(
            bad ? 'bad-query' : 'rejected',
            `${description} answered ${err.status}: ${prometheusMessage(err.message)}`,
            err.status >= 500 || err.status === 429,
          );
        }
        throw new PrometheusError('unreachable', `${description}: ${(err as Error).message}`);
      }
    },
  } satisfies PrometheusTransport;
}

/**
 * The most a Prometheus answer may carry: the console's queries answer a few series per version.
 * A longer body (a URL that streams or downloads something else) is not read further.
 */
export const MAX_PROMETHEUS_ANSWER_BYTES = 64 * 1024 * 1024;

/** Why `fetch` or reading its body failed, in words: a timeout, or the network's own code. */
function unreachableWhy(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.name === 'TimeoutError'
    ? `no answer within ${timeoutMs / 1000} s`
    : (e.cause?.code ?? e.cause?.message ?? e.message);
}

/** The body as text, read chunk by chunk and given up past MAX_PROMETHEUS_ANSWER_BYTES. */
async function boundedText(res: Response, description: string): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_PROMETHEUS_ANSWER_BYTES) {
      await reader.cancel().catch(() => {});
      throw new PrometheusError(
        'bad-answer',
        `${description} answered with more than ${MAX_PROMETHEUS_ANSWER_BYTES / 1024 / 1024} MiB: not read further`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A Prometheus URL the operator set for the context, with optional bearer or basic auth. */
export function urlTransport(
  baseUrl: string,
  auth: PrometheusAuth,
  fetchImpl: typeof fetch = fetch,
): PrometheusTransport {
  const base = baseUrl.replace(/\/+$/, '');
  const description = `Prometheus at ${base}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (auth.kind === 'bearer') headers.Authorization = `Bearer ${auth.token}`;
  if (auth.kind === 'basic')
    headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return {
    description,
    async get(pathAndQuery, timeoutMs) {
      let res: Response;
      let text: string;
      try {
        // The timeout covers the body too: a body that stalls after its headers is no answer.
        res = await fetchImpl(base + pathAndQuery, { headers, signal: AbortSignal.timeout(timeoutMs) });
        text = await boundedText(res, description);
      } catch (err) {
        if (err instanceof PrometheusError) throw err;
        throw new PrometheusError(
          'unreachable',
          `cannot reach ${description}: ${unreachableWhy(err, timeoutMs)}`,
        );
      }
      if (res.status === 401 || res.status === 403)
        throw new PrometheusError(
          'rejected',
          `${description} refused the credentials (${res.status}): check the token or user in settings`,
        );
      if (res.status >= 400 && res.status !== 400 && res.status !== 422)
        throw new PrometheusError(
          'rejected',
          `${description} answered ${res.status}: ${prometheusMessage(text)}`,
          res.status >= 500 || res.status === 429,
        );
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new PrometheusError('bad-answer', `${description} answered something that is not JSON`);
      }
    },
  };
}

/** Prometheus's `error` field when the text is its JSON error body, else the text itself. */
function prometheusMessage(text: string): string {
  const start = text.indexOf('{');
  if (start >= 0) {
    try {
      const body = JSON.parse(text.slice(start)) as { error?: string };
      if (typeof body.error === 'string') return body.error;
    } catch {
      // not JSON
    }
  }
  return text.trim().slice(0, 200);
}

export type Labels = Record<string, string>;
export interface InstantSample {
  metric: Labels;
  value: number;
}
export interface RangeSeries {
  metric: Labels;
  /** [unix ms, value] pairs, oldest first. */
  points: Array<[number, number]>;
}

export interface PrometheusClientOptions {
  transport: PrometheusTransport;
  timeoutMs?: number;
  /** Extra attempts after a retryable failure. */
  retries?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PrometheusClient {
  readonly description: string;
  /** An instant query at `timeMs` (now when absent). */
  instant(expr: string, timeMs?: number): Promise<InstantSample[]>;
  /** A range query; bounds and step in milliseconds. */
  range(expr: string, startMs: number, endMs: number, stepMs: number): Promise<RangeSeries[]>;
  /** Queries sent so far (retries included): the benchmark counts them. */
  readonly queriesSent: number;
}

interface ApiBody {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

const seconds = (ms: number) => String(ms / 1000);

export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const { transport } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let sent = 0;

  async function run(path: string, expr: string): Promise<ApiBody['data']> {
    const backoff = createBackoff({ initialMs: options.backoffMs ?? 300, maxMs: 5000 });
    for (;;) {
      try {
        sent++;
        const body = (await transport.get(path, timeoutMs)) as ApiBody | undefined;
        if (body?.status !== 'success') {
          throw new PrometheusError(
            'bad-query',
            `${transport.description} rejected the query ${expr}: ${body?.error ?? 'no status in the answer'}`,
          );
        }
        return body.data;
      } catch (err) {
        const retryable = err instanceof PrometheusError ? err.retryable : false;
        if (!retryable || backoff.attempts >= retries) throw err;
        await sleep(backoff.next());
      }
    }
  }

  return {
    description: transport.description,
    get queriesSent() {
      return sent;
    },
    async instant(expr, timeMs) {
      const q = new URLSearchParams({ query: expr });
      if (timeMs !== undefined) q.set('time', seconds(timeMs));
      const data = await run(`/api/v1/query?${q}`, expr);
      if (data?.resultType !== 'vector' || !Array.isArray(data.result))
        throw new PrometheusError('bad-answer', `${transport.description}: expected a vector for ${expr}`);
      return (data.result as Array<{ metric?: Labels; value?: [number, string] }>).map((r) => ({
        metric: r.metric ?? {},
        value: Number(r.value?.[1]),
      }));
    },
    async range(expr, startMs, endMs, stepMs) {
      const q = new URLSearchParams({
        query: expr,
        start: seconds(startMs),
        end: seconds(endMs),
        step: seconds(stepMs),
      });
      const data = await run(`/api/v1/query_range?${q}`, expr);
      if (data?.resultType !== 'matrix' || !Array.isArray(data.result))
        throw new PrometheusError('bad-answer', `${transport.description}: expected a matrix for ${expr}`);
      return (data.result as Array<{ metric?: Labels; values?: Array<[number, string]> }>).map((r) => ({
        metric: r.metric ?? {},
        points: (r.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number]),
      }));
    },
  };
}
