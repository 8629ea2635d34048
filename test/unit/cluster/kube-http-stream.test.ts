import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import { createExecCredentialProvider } from '../../../main/core/kubeconfig/exec-credential-plugin.ts';
import { buildKubeConfig } from '../../../main/core/kubeconfig/kube-client-config.ts';

async function watchServer() {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"type":"ADDED","object":{"kind":"Pod"}}\n');
    // Left open, as a watch is.
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function client(server: string) {
  const resolved = {
    context: { name: 'ctx', cluster: 'c', user: 'u', file: '/k' },
    cluster: { name: 'c', server, insecureSkipTlsVerify: false, file: '/k' },
    user: { name: 'u', file: '/k', token: 't' },
  };
  return createKubeHttpClient(
    await buildKubeConfig(resolved, createExecCredentialProvider({ env: () => ({}) })),
  );
}

describe('a watch stream and its abort signal', () => {
  it('ends quietly, with no object, when the signal was aborted before the stream began', async () => {
    const s = await watchServer();
    try {
      const c = await client(s.url);
      const seen: unknown[] = [];
      await expect(
        c.stream({ path: '/api/v1/pods?watch=1', signal: AbortSignal.abort() }, (o) => seen.push(o)),
      ).resolves.toBeUndefined();
      expect(seen).toEqual([]);
    } finally {
      s.server.closeAllConnections();
      s.server.close();
    }
  });

  it('delivers objects, then ends quietly when the signal aborts mid-stream', async () => {
    const s = await watchServer();
    try {
      const c = await client(s.url);
      const abort = new AbortController();
      const seen: unknown[] = [];
      await c.stream({ path: '/api/v1/pods?watch=1', signal: abort.signal }, (o) => {
        seen.push(o);
        abort.abort();
      });
      expect(seen).toEqual([{ type: 'ADDED', object: { kind: 'Pod' } }]);
    } finally {
      s.server.closeAllConnections();
      s.server.close();
    }
  });
});
