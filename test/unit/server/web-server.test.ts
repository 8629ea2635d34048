import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventSink } from '../../../main/core/api-dispatch.ts';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

const rendererDir = mkdtempSync(join(tmpdir(), 'sy-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Switchyard</title>');
mkdirSync(join(rendererDir, 'assets'));
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(tmpdir(), 'secret.txt'), 'do not serve');

const sinks = new Set<EventSink>();
let server: WebServer;

beforeAll(async () => {
  server = await startWebServer({
    rendererDir,
    token: 'test-token-0123456789',
    subscribe: (sink) => {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    handlers: fakeHandlers({
      'app.info': async () => ({
        name: 'Switchyard',
        version: '9.9.9',
        mode: 'web',
        platform: 'linux',
        node: '20',
        dataDir: '/d',
      }),
      'contexts.list': async () => ({ contexts: [], problems: [] }),
      'demo.open': async () => ({ running: true }),
      'demo.status': async () => ({ running: false }),
    }),
  });
});
afterAll(() => server.close());

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(opts: { token?: string; origin?: string }): Promise<WebSocket> {
  const query = opts.token === undefined ? '' : `?token=${opts.token}`;
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, {
    origin: opts.origin ?? `http://127.0.0.1:${server.port}`,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function callOver(ws: WebSocket, channel: string, payload: unknown, id = 1): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'result' && frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, channel, payload }));
  });
}

describe('browser mode web server', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=test-token-0123456789`);
  });

  it('serves the page only with the token, with a strict Content-Security-Policy', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    const page = await get('/?token=test-token-0123456789');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Switchyard</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    // The renderer sets no inline style markup (charts draw their tooltips on the canvas), so none is allowed.
    expect(String(page.headers['content-security-policy'])).toContain("style-src 'self';");
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe-inline');
  });

  it('serves assets but never a file outside the renderer folder', async () => {
    expect((await get('/assets/app.js')).status).toBe(200);
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('refuses requests for another Host name (DNS rebinding)', async () => {
    expect((await get('/?token=test-token-0123456789', { Host: 'evil.example:80' })).status).toBe(421);
  });

  it('refuses a socket without the token or with a wrong one', async () => {
    await expect(connect({})).rejects.toThrow('HTTP 401');
    await expect(connect({ token: 'nope' })).rejects.toThrow('HTTP 401');
  });

  it('refuses a socket from a foreign Origin even with the token', async () => {
    await expect(connect({ token: 'test-token-0123456789', origin: 'https://evil.example' })).rejects.toThrow(
      'HTTP 403',
    );
  });

  it('answers contract calls over the socket', async () => {
    const ws = await connect({ token: 'test-token-0123456789' });
    expect(await callOver(ws, 'app.info', {})).toMatchObject({ ok: true, value: { version: '9.9.9' } });
    ws.close();
  });

  it('answers a channel outside the contract and a bad payload with typed errors', async () => {
    const ws = await connect({ token: 'test-token-0123456789' });
    expect(await callOver(ws, 'fs.readFile', { path: '/etc/passwd' }, 2)).toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
    expect(await callOver(ws, 'demo.open', { port: 'x' }, 3)).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    ws.close();
  });

  it('pushes main events to connected pages', async () => {
    const ws = await connect({ token: 'test-token-0123456789' });
    const event = new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    for (const sink of sinks) sink('demo.changed', { running: true, contextId: 'demo' });
    expect(await event).toEqual({
      type: 'event',
      event: 'demo.changed',
      payload: { running: true, contextId: 'demo' },
    });
    ws.close();
  });

  it('closes a socket that sends a malformed frame', async () => {
    const ws = await connect({ token: 'test-token-0123456789' });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{not json');
    expect(await closed).toBe(4400);
  });
});
