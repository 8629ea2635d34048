import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { websocketTransport } from '../../../renderer/src/api/websocket-transport.ts';
import type { PreviewView } from '../../../shared/api/console-schemas.ts';
import {
  jsonStringBytes,
  MAX_CALL_PAYLOAD_BYTES,
  MAX_FRAME_BYTES,
  MAX_SAMPLE_JSONL_BYTES,
} from '../../../shared/api/limits.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

// Browser mode under hostile or oversized messages: each one closes (or is answered on) its own
// socket with a reason, and the server goes on serving every other socket.

const TOKEN = 'limits-token-0123456789';
const rendererDir = mkdtempSync(join(tmpdir(), 'sy-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Switchyard</title>');

const preview: PreviewView = {
  total: 1,
  source: 'jsonl',
  rules: [],
  unmatched: { count: 1, share: 1 },
  versions: [{ version: 'v1', count: 1, share: 1 }],
  other: [],
};
let previewedBytes = 0;
let server: WebServer;

beforeAll(async () => {
  server = await startWebServer({
    rendererDir,
    token: TOKEN,
    subscribe: () => () => {},
    handlers: fakeHandlers({
      'app.info': async () => ({
        name: 'Switchyard',
        version: '9.9.9',
        mode: 'web',
        platform: 'linux',
        node: '20',
        dataDir: '/d',
      }),
      'release.preview': async (req) => {
        previewedBytes = req.sample && req.sample !== 'demo' ? jsonStringBytes(req.sample.jsonl) : 0;
        return preview;
      },
    }),
  });
});
afterAll(() => server.close());

function connect(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`, {
    origin: `http://127.0.0.1:${server.port}`,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
}

function answerTo(
  ws: WebSocket,
  id: number,
): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'result' && frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame.result);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
  });
}

async function call(ws: WebSocket, id: number, channel: string, payload: unknown) {
  const answer = answerTo(ws, id);
  ws.send(JSON.stringify({ type: 'call', id, channel, payload }));
  return answer;
}

/** The server still answers a new socket: what one socket sent did not end the process. */
async function expectStillServing() {
  const ws = await connect();
  expect(await call(ws, 99, 'app.info', {})).toMatchObject({ ok: true, value: { version: '9.9.9' } });
  ws.close();
}

describe('browser mode under oversized and malformed messages', () => {
  it('closes the socket that sends a 10 MB message with 1009 and a reason naming the limit', async () => {
    const ws = await connect();
    const closed = closeOf(ws);
    ws.send(
      JSON.stringify({ type: 'call', id: 1, channel: 'app.info', payload: { x: 'y'.repeat(10_000_000) } }),
    );
    expect(await closed).toEqual({ code: 1009, reason: expect.stringContaining('8 MiB') });
    await expectStillServing();
  });

  it('closes the socket that sends a text frame that is not UTF-8 with 1007', async () => {
    const ws = await connect();
    const closed = closeOf(ws);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closed).toEqual({ code: 1007, reason: 'a text message that is not valid UTF-8' });
    await expectStillServing();
  });

  it('closes the socket that sends a binary frame with 1003', async () => {
    const ws = await connect();
    const closed = closeOf(ws);
    ws.send(Buffer.from(JSON.stringify({ type: 'call', id: 1, channel: 'app.info', payload: {} })));
    expect(await closed).toEqual({ code: 1003, reason: expect.stringContaining('binary') });
    await expectStillServing();
  });

  it('closes the socket that sends text that is not JSON, saying so', async () => {
    const ws = await connect();
    const closed = closeOf(ws);
    ws.send('x'.repeat(500));
    const { code, reason } = await closed;
    expect(code).toBe(4400);
    expect(reason).toMatch(/^malformed frame: not JSON/);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    await expectStillServing();
  });

  it('answers a frame that names an id but breaks the protocol with a typed error, keeping the socket', async () => {
    const ws = await connect();
    const answer = answerTo(ws, 7);
    ws.send(JSON.stringify({ type: 'cast', id: 7, channel: 42 }));
    expect(await answer).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await call(ws, 8, 'app.info', {})).toMatchObject({ ok: true });
    ws.close();
  });

  it('answers __proto__ keys and very deep nesting with typed errors, polluting nothing', async () => {
    const ws = await connect();
    const answer = answerTo(ws, 3);
    ws.send(`{"type":"call","id":3,"channel":"app.info","payload":{"__proto__":{"polluted":true}}}`);
    expect(await answer).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    const deep = answerTo(ws, 4);
    const depth = 100_000;
    ws.send(
      `{"type":"call","id":4,"channel":"release.get","payload":{"contextId":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    );
    expect(await deep).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    ws.close();
  });

  it('carries the largest sample the contract takes in one frame, and refuses one byte more with a typed error', async () => {
    const ws = await connect();
    const desired = { split: [{ version: 'v1', weight: 100 }], rules: [] };
    const line = '{"path":"/","headers":{"user-agent":"Mozilla/5.0 (Linux; Android 14) Chrome/120"}}\n';
    let jsonl = line.repeat(Math.floor(MAX_SAMPLE_JSONL_BYTES / jsonStringBytes(line)));
    jsonl += 'x'.repeat(MAX_SAMPLE_JSONL_BYTES - jsonStringBytes(jsonl));
    expect(jsonStringBytes(jsonl)).toBe(MAX_SAMPLE_JSONL_BYTES);
    const payload = { contextId: 'demo', releaseId: 'istio:shop/reviews', desired, sample: { jsonl } };
    expect(await call(ws, 1, 'release.preview', payload)).toMatchObject({ ok: true, value: preview });
    expect(previewedBytes).toBe(MAX_SAMPLE_JSONL_BYTES);

    const over = await call(ws, 2, 'release.preview', { ...payload, sample: { jsonl: `${jsonl}x` } });
    expect(over).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(over.error?.message).toContain(
      'sample traffic is 6,291,457 bytes; a preview takes at most 6,291,456 bytes (6 MiB)',
    );
    ws.close();
  });

  it('answers a call over the contract limit that still fits a frame with a typed error', async () => {
    const ws = await connect();
    const payload = { padding: 'p'.repeat(MAX_CALL_PAYLOAD_BYTES) };
    const answer = await call(ws, 5, 'app.info', payload);
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(answer.error?.message).toContain('more than 8 MiB');
    ws.close();
  });
});

describe("the page's WebSocket transport", () => {
  it('refuses a call too big for one frame itself, keeping the socket for the next call', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    // The page's WebSocket, played by ws with the Origin a browser would send.
    class PageSocket extends WebSocket {
      constructor(url: string) {
        super(url, { origin });
      }
    }
    const globals = globalThis as { WebSocket?: unknown };
    const before = globals.WebSocket;
    globals.WebSocket = PageSocket;
    try {
      const transport = websocketTransport(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`);
      const huge = await transport.call('app.info', { x: 'y'.repeat(MAX_FRAME_BYTES) });
      expect(huge).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
      expect(huge.ok ? '' : huge.error.message).toContain('more than 8 MiB');
      expect(await transport.call('app.info', {})).toMatchObject({ ok: true, value: { version: '9.9.9' } });
    } finally {
      globals.WebSocket = before;
    }
  });
});
