import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PrometheusError, urlTransport } from '../../../main/core/metrics/prometheus-client.ts';

// A Prometheus URL that answers with a body that never ends (a misconfigured URL pointing at a
// stream or a download, a broken proxy): fetch's text() kept every chunk until the end, so the
// main process grew by the whole body within the timeout, and a body that stalled after its
// headers ended in a bare "The operation was aborted due to timeout".

const MiB = 1024 * 1024;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('a Prometheus URL answering with a hostile body', () => {
  it('stops reading a body past the limit, with a specific error, before holding it all', async () => {
    let sent = 0;
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(MiB, 0x20);
      const more = () => {
        while (!res.destroyed && sent < 2048 * MiB) {
          sent += MiB;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
      };
      more();
    });
    try {
      const err = await urlTransport(s.url, { kind: 'none' })
        .get('/api/v1/query?query=up', 30_000)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusError);
      expect((err as PrometheusError).kind).toBe('bad-answer');
      expect((err as Error).message).toBe(
        `Prometheus at ${s.url} answered with more than 64 MiB: not read further`,
      );
      expect(sent).toBeLessThan(1024 * MiB);
    } finally {
      s.close();
    }
  }, 60_000);

  it('names a body that stalls after its headers as no answer in time, worth asking again', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":"success","data":');
    });
    try {
      const err = await urlTransport(s.url, { kind: 'none' })
        .get('/api/v1/query?query=up', 300)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusError);
      expect((err as PrometheusError).retryable).toBe(true);
      expect((err as Error).message).toBe(`cannot reach Prometheus at ${s.url}: no answer within 0.3 s`);
    } finally {
      s.close();
    }
  });
});
