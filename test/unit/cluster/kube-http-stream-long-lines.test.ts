import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import type { RequestCredentials } from '../../../main/core/kubeconfig/kube-client-config.ts';

const MiB = 1024 * 1024;

async function serve(write: (res: ServerResponse) => void) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    write(res);
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

/** Writes `total` bytes of one JSON string, in 1 MiB writes, never ending the line. */
function endlessLine(res: ServerResponse, total: number) {
  res.write('{"type":"ADDED","object":{"data":"');
  let sent = 0;
  const more = () => {
    while (sent < total && !res.destroyed) {
      sent += MiB;
      if (!res.write('a'.repeat(MiB))) return void res.once('drain', more);
    }
  };
  more();
}

describe('a watch stream with a hostile line', () => {
  it('stops a line that never ends with a specific error instead of buffering it without limit', async () => {
    const s = await serve((res) => endlessLine(res, 512 * MiB));
    try {
      const seen: unknown[] = [];
      const started = performance.now();
      await expect(s.client.stream({ path: '/api/v1/pods?watch=1' }, (o) => seen.push(o))).rejects.toThrow(
        /GET \/api\/v1\/pods sent a line longer than 32 MiB/,
      );
      expect(seen).toEqual([]);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      s.close();
    }
  }, 30_000);

  it('reads a long line split over many chunks in linear time', async () => {
    const s = await serve((res) =>
      res.end(
        `{"type":"ADDED","object":{"data":"${'a'.repeat(24 * MiB)}"}}\n{"type":"DELETED","object":{}}\n`,
      ),
    );
    try {
      const types: unknown[] = [];
      const started = performance.now();
      await s.client.stream({ path: '/api/v1/pods?watch=1' }, (o) =>
        types.push((o as { type: string }).type),
      );
      expect(types).toEqual(['ADDED', 'DELETED']);
      // Joining the line once costs well under a second; scanning it again at every chunk, seconds.
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      s.close();
    }
  }, 30_000);
});
