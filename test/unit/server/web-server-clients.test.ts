// Browser mode: each socket is one page (issue 18). Calls carry the page as their caller, events
// addressed to one page reach that socket only, and a closed socket unsubscribes its page.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Caller, EventSink } from '../../../main/core/api-dispatch.ts';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

const TOKEN = 'clients-token-0123456789';
const rendererDir = mkdtempSync(join(tmpdir(), 'sy-renderer-clients-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Switchyard</title>');

const sinks = new Map<string, EventSink>();
const gone: string[] = [];
const callers: Caller[] = [];
let server: WebServer;

beforeAll(async () => {
  server = await startWebServer({
    rendererDir,
    token: TOKEN,
    subscribe: (sink, clientId) => {
      sinks.set(clientId, sink);
      return () => {
        sinks.delete(clientId);
        gone.push(clientId);
      };
    },
    handlers: fakeHandlers({
      'metrics.visibility': async ({ visible }, caller) => {
        if (caller) callers.push(caller);
        return { paused: !visible };
      },
    }),
  });
});
afterAll(() => server.close());

async function page() {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`, {
    origin: `http://127.0.0.1:${server.port}`,
  });
  const events: string[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === 'event') events.push(frame.event);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const call = (id: number, channel: string, payload: unknown) =>
    new Promise<unknown>((resolve) => {
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
  return { ws, events, call };
}

describe('browser mode: one socket, one page', () => {
  it('tells calls which page they came from, sends a page only its own events, and forgets a closed page', async () => {
    const a = await page();
    const b = await page();
    await a.call(1, 'metrics.visibility', { visible: false });
    await b.call(1, 'metrics.visibility', { visible: true });
    const [ca, cb] = callers;
    expect(ca?.clientId).toBeTruthy();
    expect(cb?.clientId).toBeTruthy();
    expect(ca?.clientId).not.toBe(cb?.clientId);
    expect([...sinks.keys()].sort()).toEqual([ca?.clientId, cb?.clientId].sort());

    // An event for page B, then one for everyone.
    sinks.get(cb?.clientId ?? '')?.('demo.changed', { running: true }, cb?.clientId);
    sinks.get(ca?.clientId ?? '')?.('demo.changed', { running: true }, cb?.clientId);
    for (const sink of sinks.values()) sink('contexts.changed', { contexts: [], problems: [] });
    await expect.poll(() => b.events).toEqual(['demo.changed', 'contexts.changed']);
    await expect.poll(() => a.events).toEqual(['contexts.changed']);

    await new Promise((resolve) => {
      a.ws.once('close', resolve);
      a.ws.close();
    });
    await expect.poll(() => gone).toEqual([ca?.clientId]);
    b.ws.close();
  });
});
