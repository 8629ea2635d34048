// The shape of the plain HTTP(S) client to the API server (kube-http-client.ts builds it), and the
// context its request and stream functions share.

import type { RequestCredentials } from '../kubeconfig/request-credentials.ts';
import type { KeptAliveAgents } from './kube-http-agents.ts';

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

/** What every request of one client uses: the credentials, the server and the defaults. */
export interface KubeHttpContext {
  credentials: RequestCredentials;
  /** The server URL without a trailing slash. */
  server: string;
  defaultTimeoutMs: number;
  /** Called on a 401 answer. */
  onUnauthorized(): void;
  /** The client's kept-alive connections, for requests (not watches). */
  agents?: KeptAliveAgents;
  /** The longest answer read (MAX_ANSWER_CHARS unless a test sets less). */
  maxAnswerChars?: number;
}
