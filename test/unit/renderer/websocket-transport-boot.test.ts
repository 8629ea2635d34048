import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BOOT_ANSWERS_KEPT_MS, type BootSocket } from '../../../renderer/src/api/boot-socket.ts';
import { websocketTransport } from '../../../renderer/src/api/websocket-transport.ts';
import { FakeWebSocket } from '../../helpers/fake-websocket.ts';

// The app's transport taking over the socket socket-boot.js opened: the first screen's answers it
// already asked for are used once, soon; nothing is lost or reordered; later calls go on the wire.

const CALLS = [
  { id: 1, channel: 'app.info' },
  { id: 2, channel: 'contexts.list' },
  { id: 3, channel: 'demo.status' },
  { id: 4, channel: 'drafts.list' },
];
const result = (id: number, value: unknown) => ({ type: 'result', id, result: { ok: true, value } });
const frame = (x: unknown) => JSON.stringify(x);

function bootSocket(frames: unknown[] = [], open = true): { boot: BootSocket; socket: FakeWebSocket } {
  const socket = new FakeWebSocket('ws://x/api');
  if (open) socket.serverOpens();
  return {
    boot: { socket: socket as unknown as WebSocket, calls: CALLS, frames: frames.map(frame) },
    socket,
  };
}

let globals: { WebSocket?: unknown };
let before: unknown;
beforeEach(() => {
  globals = globalThis as { WebSocket?: unknown };
  before = globals.WebSocket;
  globals.WebSocket = FakeWebSocket;
  FakeWebSocket.made = [];
});
afterEach(() => {
  globals.WebSocket = before;
  vi.useRealTimers();
});

describe('websocketTransport with the boot socket', () => {
  it('answers the first call of each early channel from the boot socket, received before or after it was taken', async () => {
    const { boot, socket } = bootSocket([result(1, 'info'), result(3, 'demo')]);
    const transport = websocketTransport('ws://unused', boot);
    expect(FakeWebSocket.made).toEqual([socket]); // no second socket
    expect(await transport.call('app.info', {})).toEqual({ ok: true, value: 'info' });
    const contexts = transport.call('contexts.list', {});
    socket.serverSends(result(2, 'contexts'));
    expect(await contexts).toEqual({ ok: true, value: 'contexts' });
    expect(await transport.call('demo.status', {})).toEqual({ ok: true, value: 'demo' });
    expect(socket.sent).toEqual([]); // none of them went on the wire again
  });

  it('asks the server again for a second call, a call with a request, and after the early answers expired', async () => {
    vi.useFakeTimers();
    const { boot, socket } = bootSocket([result(1, 'info'), result(4, 'drafts')]);
    const transport = websocketTransport('ws://unused', boot);
    await transport.call('app.info', {});
    const again = transport.call('app.info', {});
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.sent).toEqual([{ type: 'call', id: 5, channel: 'app.info', payload: {} }]);
    socket.serverSends(result(5, 'fresh'));
    expect(await again).toEqual({ ok: true, value: 'fresh' });

    const withRequest = transport.call('contexts.list', { refresh: true } as never);
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.sent.at(-1)).toEqual({
      type: 'call',
      id: 6,
      channel: 'contexts.list',
      payload: { refresh: true },
    });
    socket.serverSends(result(6, 'refreshed'));
    expect(await withRequest).toEqual({ ok: true, value: 'refreshed' });

    await vi.advanceTimersByTimeAsync(BOOT_ANSWERS_KEPT_MS);
    const late = transport.call('drafts.list', {});
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.sent.at(-1)).toEqual({ type: 'call', id: 7, channel: 'drafts.list', payload: {} });
    socket.serverSends(result(7, 'new drafts'));
    expect(await late).toEqual({ ok: true, value: 'new drafts' });
  });

  it('gives events that came before the app listened to each listener that subscribes soon, in order, then live ones', async () => {
    const demo = (running: boolean) => ({ type: 'event', event: 'demo.changed', payload: { running } });
    const { boot, socket } = bootSocket([demo(false), 'not json', demo(true)]);
    const transport = websocketTransport('ws://unused', boot);
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    transport.on('demo.changed', (p) => seenA.push(p));
    transport.on('demo.changed', (p) => seenB.push(p));
    await Promise.resolve();
    socket.serverSends({ type: 'event', event: 'demo.changed', payload: { running: false, live: true } });
    expect(seenA).toEqual([{ running: false }, { running: true }, { running: false, live: true }]);
    expect(seenB).toEqual(seenA);
  });

  it('tells a status listener that comes after the socket opened that it is open', async () => {
    const { boot } = bootSocket();
    const transport = websocketTransport('ws://unused', boot);
    await Promise.resolve();
    await Promise.resolve();
    const states: unknown[] = [];
    transport.onStatus((s) => states.push(s));
    await Promise.resolve();
    expect(states).toEqual([{ state: 'open' }]);
  });

  it('answers the early calls as unavailable when the boot socket closed before the app took it', async () => {
    const { boot, socket } = bootSocket();
    socket.serverCloses(1006, '');
    const transport = websocketTransport('ws://unused', boot);
    const states: unknown[] = [];
    transport.onStatus((s) => states.push(s));
    expect(await transport.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await transport.call('drafts.list', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    expect(states).toEqual([{ state: 'closed', reason: 'the connection to Switchyard is closed' }]);
  });

  it('waits for a boot socket still connecting, then sends on it', async () => {
    const { boot, socket } = bootSocket([], false);
    const transport = websocketTransport('ws://unused', boot);
    const call = transport.call('session.get' as never, { contextId: 'demo' } as never);
    socket.serverOpens();
    await Promise.resolve();
    await Promise.resolve();
    expect(socket.sent).toEqual([
      { type: 'call', id: 5, channel: 'session.get', payload: { contextId: 'demo' } },
    ]);
    socket.serverSends(result(5, 'ok'));
    expect(await call).toEqual({ ok: true, value: 'ok' });
  });
});
