import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

// An upgrade request whose target is no URL (`GET //[ HTTP/1.1` with Upgrade: websocket): the
// upgrade listener built `new URL(req.url)` before any check and threw out of the 'upgrade' event,
// an uncaught exception that ended `switchyard web`. No token is needed to send one: any process
// on the machine could stop the console with one line.

const TOKEN = 'bad-target-token-0123456789';
const rendererDir = mkdtempSync(join(tmpdir(), 'sy-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Switchyard</title>');
let server: WebServer;

beforeAll(async () => {
  server = await startWebServer({
    rendererDir,
    token: TOKEN,
    subscribe: () => () => {},
    handlers: fakeHandlers({}),
  });
});
afterAll(() => server.close());

/** Sends `head` as it is and answers the first line of the reply (or '' when the socket just closes). */
function rawRequest(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(head));
    let reply = '';
    socket.on('data', (d) => {
      reply += d.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(reply.split('\r\n')[0] ?? ''));
  });
}

describe('a request target that is no URL', () => {
  it.each(['//[', 'http://['])('on an upgrade (%s) is refused, and the server goes on', async (target) => {
    const listeners = process.listeners('uncaughtException').length;
    const uncaught: unknown[] = [];
    const note = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', note);
    try {
      const status = await rawRequest(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      expect(status).toBe('HTTP/1.1 400 Bad Request');
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('uncaughtException', note);
    }
    expect(uncaught).toEqual([]);
    expect(process.listeners('uncaughtException')).toHaveLength(listeners);
    const page = await fetch(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    expect(page.status).toBe(200);
  });

  it('on a plain request is a 400', async () => {
    const status = await rawRequest(
      `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(status).toBe('HTTP/1.1 400 Bad Request');
  });
});
