import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ApiHandlers } from '../../../main/core/api-dispatch.ts';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

const rendererDir = mkdtempSync(join(tmpdir(), 'sy-renderer-order-'));
writeFileSync(
  join(rendererDir, 'index.html'),
  '<!doctype html><script type="module" src="/assets/app.js"></script>',
);
mkdirSync(join(rendererDir, 'assets'));
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}');
writeFileSync(join(rendererDir, 'assets', 'lazy-screen.js'), 'console.log(2)');

const token = 'test-token-0123456789';
let server: WebServer | undefined;
afterEach(() => server?.close());

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const port = server?.port ?? 0;
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The socket layer reads the handlers when it loads: a spy on the promise's `then` tells when. */
function watchedHandlers() {
  const handlers: Promise<ApiHandlers> = Promise.resolve(
    fakeHandlers({ 'contexts.list': async () => ({ contexts: [], problems: [] }) }),
  );
  return { handlers, read: vi.spyOn(handlers, 'then') };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('what the web server loads before the page has its script', () => {
  it('serves the HTML without loading the socket layer, and loads it once the script was served', async () => {
    const { handlers, read } = watchedHandlers();
    const onPageScript = vi.fn();
    server = await startWebServer({ rendererDir, token, handlers, subscribe: () => () => {}, onPageScript });
    await settle();
    expect(read).not.toHaveBeenCalled();

    expect(await get(`/?token=${token}`)).toBe(200);
    expect(await get('/assets/app.css')).toBe(200);
    await settle();
    expect(read).not.toHaveBeenCalled();
    expect(onPageScript).not.toHaveBeenCalled();

    expect(await get('/assets/app.js')).toBe(200);
    await vi.waitFor(() => expect(read).toHaveBeenCalled());
    expect(onPageScript).toHaveBeenCalledTimes(1);
    expect(await get('/assets/app.js')).toBe(200);
    expect(onPageScript).toHaveBeenCalledTimes(1);
  });

  it('tells once that the page painted when it asks for a script that is not one of its first', async () => {
    const { handlers } = watchedHandlers();
    const onPagePainted = vi.fn();
    server = await startWebServer({ rendererDir, token, handlers, subscribe: () => () => {}, onPagePainted });
    expect(await get(`/?token=${token}`)).toBe(200);
    expect(await get('/assets/app.js')).toBe(200);
    expect(await get('/assets/app.js')).toBe(200);
    expect(await get('/assets/app.css')).toBe(200);
    await settle();
    expect(onPagePainted).not.toHaveBeenCalled();
    expect(await get('/assets/lazy-screen.js')).toBe(200);
    await vi.waitFor(() => expect(onPagePainted).toHaveBeenCalledTimes(1));
    expect(await get('/assets/lazy-screen.js')).toBe(200);
    await settle();
    expect(onPagePainted).toHaveBeenCalledTimes(1);
  });

  it('answers a socket that comes without any page: the upgrade loads the layer', async () => {
    const { handlers } = watchedHandlers();
    server = await startWebServer({ rendererDir, token, handlers, subscribe: () => () => {} });
    const port = server.port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, {
      origin: `http://127.0.0.1:${port}`,
    });
    const result = await new Promise<unknown>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () =>
        ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'contexts.list', payload: {} })),
      );
      ws.on('message', (data) => resolve(JSON.parse(String(data)).result));
    });
    ws.close();
    expect(result).toEqual({ ok: true, value: { contexts: [], problems: [] } });
  });

  it('waits for every script the page preloads, not only the first one served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-renderer-preloads-'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><script type="module" src="./assets/app.js"></script>' +
        '<link rel="modulepreload" href="./assets/runtime.js"><link rel="modulepreload" href="./assets/store.js">',
    );
    mkdirSync(join(dir, 'assets'));
    for (const f of ['app.js', 'runtime.js', 'store.js']) writeFileSync(join(dir, 'assets', f), '1');
    const { handlers, read } = watchedHandlers();
    const onPageScript = vi.fn();
    server = await startWebServer({
      rendererDir: dir,
      token,
      handlers,
      subscribe: () => () => {},
      onPageScript,
    });
    expect(await get(`/?token=${token}`)).toBe(200);
    expect(await get('/assets/app.js')).toBe(200);
    expect(await get('/assets/runtime.js')).toBe(200);
    await settle();
    expect(read).not.toHaveBeenCalled();
    expect(onPageScript).not.toHaveBeenCalled();
    expect(await get('/assets/store.js')).toBe(200);
    await vi.waitFor(() => expect(read).toHaveBeenCalled());
    expect(onPageScript).toHaveBeenCalledTimes(1);
  });
});
