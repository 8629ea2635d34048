import type { KubeConfig } from '@kubernetes/client-node';
import { createKeptAliveAgents } from './kube-http-agents.ts';
import { sendRequest } from './kube-http-request.ts';
import { streamRequest } from './kube-http-stream.ts';
import type { KubeHttpClient, KubeHttpContext, KubeRequest } from './kube-http-types.ts';

export { KubeApiError, KubeConnectionError } from './kube-http-errors.ts';
export type { KubeHttpClient, KubeRequest } from './kube-http-types.ts';

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
  const ctx: KubeHttpContext = {
    kc,
    server,
    defaultTimeoutMs: defaults.timeoutMs ?? 15_000,
    onUnauthorized: () => defaults.onUnauthorized?.(),
    agents: createKeptAliveAgents(),
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
