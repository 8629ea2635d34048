import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeReachability } from '../../../main/core/cluster/capabilities-probe.ts';
import { createKubeHttpClient, KubeApiError } from '../../../main/core/cluster/kube-http-client.ts';
import type { RequestCredentials } from '../../../main/core/kubeconfig/kube-client-config.ts';

// An API server URL behind a login proxy (OIDC, a corporate gateway) answers every request with a
// 302 to its login page. The client took a 3xx as success: /version gave "unknown", /apis no
// groups (a cluster "without Istio"), and a list page 'Cannot read properties of undefined'.

async function redirecting(body: string) {
  const server = createServer((_req, res) => {
    res.writeHead(302, { Location: 'https://login.example.com/oauth/start', 'Content-Type': 'text/html' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = { server: url, apply: async () => {} } as unknown as RequestCredentials;
  return {
    client: createKubeHttpClient(credentials),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const clock = { now: () => Date.now() } as Parameters<typeof probeReachability>[1];

describe('an API server URL that answers with a redirect', () => {
  it.each([
    ['an empty body', ''],
    ['a login page', '<html>Sign in</html>'],
  ])('with %s is an error naming the redirect, not an answer', async (_, body) => {
    const s = await redirecting(body);
    try {
      const err = await s.client.request({ path: '/apis' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeApiError);
      expect((err as KubeApiError).status).toBe(302);
      expect((err as Error).message).toBe(
        'GET /apis answered 302, a redirect to https://login.example.com/oauth/start: Switchyard does not follow redirects (is the server URL in the kubeconfig the API server itself?)',
      );
      await expect(probeReachability(s.client, clock, 5000)).rejects.toThrow(/answered 302, a redirect/);
      const list = await s.client
        .request({ path: '/api/v1/services?limit=500', parse: (t) => t })
        .catch((e: unknown) => e);
      expect(list).toBeInstanceOf(KubeApiError);
      const seen: unknown[] = [];
      await expect(s.client.stream({ path: '/api/v1/pods?watch=1' }, (o) => seen.push(o))).rejects.toThrow(
        /GET \/api\/v1\/pods answered 302, a redirect/,
      );
      expect(seen).toEqual([]);
    } finally {
      s.close();
    }
  });
});
