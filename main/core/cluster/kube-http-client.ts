import type { KubeConfig } from '@kubernetes/client-node';
import type { RequestCredentials } from '../kubeconfig/kube-client-config.ts';
import { kubeConfigCredentials } from '../kubeconfig/kube-client-config.ts';
import { createKeptAliveAgents } from './kube-http-agents.ts';
import { sendRequest } from './kube-http-request.ts';
import { streamRequest } from './kube-http-stream.ts';
import type { KubeHttpClient, KubeHttpContext, KubeRequest } from './kube-http-types.ts';

export { KubeApiError, KubeConnectionError } from './kube-http-errors.ts';
export type { KubeHttpClient, KubeRequest } from './kube-http-types.ts';

/**
 * Plain HTTP(S) to the API server with the context's credentials, which supply the agent (CA,
 * client certificate, insecure-skip-tls-verify) and the Authorization header (token, exec plugin):
 * our own (request-credentials.ts), or a client-node KubeConfig's (an auth-provider, proxy-url, and
 * tests that build one). Timeouts, aborts and the watch stream are ours to control.
 */
export function createKubeHttpClient(
  source: RequestCredentials | KubeConfig,
  defaults: {
    timeoutMs?: number /** Called on 401, e.g. to drop an expired exec credential. */;
    onUnauthorized?: () => void;
    /** The longest answer read (default MAX_ANSWER_CHARS, 256 MiB). */
    maxAnswerChars?: number;
  } = {},
): KubeHttpClient {
  const credentials = 'applyToHTTPSOptions' in source ? kubeConfigCredentials(source) : source;
  const server = credentials.server.replace(/\/+$/, '');
  const ctx: KubeHttpContext = {
    credentials,
    server,
    defaultTimeoutMs: defaults.timeoutMs ?? 15_000,
    onUnauthorized: () => defaults.onUnauthorized?.(),
    agents: createKeptAliveAgents(),
    ...(defaults.maxAnswerChars !== undefined ? { maxAnswerChars: defaults.maxAnswerChars } : {}),
  };

  return {
    server,
    request<T>(req: KubeRequest): Promise<T> {
      return sendRequest<T>(ctx, req);
    },
    stream(req, onObject) {
      return streamRequest(ctx, req, onObject);
    },
  };
}
