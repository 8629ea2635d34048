import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createKubeHttpClient, KubeConnectionError } from '../../../main/core/cluster/kube-http-client.ts';
import type { RequestCredentials } from '../../../main/core/kubeconfig/kube-client-config.ts';

// A server (or a proxy in between) that ignores the list's `limit`, or never ends its answer: the
// client kept every chunk, growing main until V8's string limit ("Invalid string length").

/** Answers `status` with a body that never ends; `closed` resolves once the client hung up. */
async function endless(status: number) {
  let hungUp: () => void = () => {};
  const closed = new Promise<void>((r) => {
    hungUp = r;
  });
  const server = createServer((_req, res: ServerResponse) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.write('{"kind":"List","items":[');
    const chunk = `${'{"metadata":{"name":"x"}},'.repeat(400)}`;
    const more = () => {
      if (res.destroyed) return;
      res.write(chunk, () => setImmediate(more));
    };
    res.on('close', () => hungUp());
    more();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = { server: url, apply: async () => {} } as unknown as RequestCredentials;
  return {
    client: createKubeHttpClient(credentials, { maxAnswerChars: 64 * 1024 }),
    closed,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('an answer longer than the client reads', () => {
  it('is refused past the limit, naming the request, and the connection is dropped', async () => {
    const s = await endless(200);
    try {
      const err = await s.client.request({ path: '/api/v1/pods?limit=500' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeConnectionError);
      expect((err as Error).message).toBe(
        "GET /api/v1/pods answered with more than 65536 characters: not read further (does something between ignore the list's limit?)",
      );
      await s.closed;
    } finally {
      s.close();
    }
  });

  it('is refused the same way when it is an error status with an endless body', async () => {
    const s = await endless(500);
    try {
      await expect(s.client.request({ path: '/apis' })).rejects.toThrow(
        /^GET \/apis answered with more than 65536/,
      );
      await expect(s.client.stream({ path: '/api/v1/pods?watch=1' }, () => {})).rejects.toThrow(
        /^GET \/api\/v1\/pods answered with more than 65536 characters/,
      );
    } finally {
      s.close();
    }
  });
});
