import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { takeBootSocket } from '../../../renderer/src/api/boot-socket.ts';
import { FakeWebSocket } from '../../helpers/fake-websocket.ts';

// renderer/public/socket-boot.js: the classic script that opens the page's socket and asks the
// first screen's questions before the app's modules run (browser mode only).

const source = readFileSync(resolve(import.meta.dirname, '../../../renderer/public/socket-boot.js'), 'utf8');

type Page = {
  location: { search: string; host: string };
  WebSocket: typeof FakeWebSocket;
  switchyard?: unknown;
  __switchyardBootSocket?: unknown;
};

function runBoot(page: Page) {
  new Function('window', source)(page);
}

function browserPage(search = '?token=t%2Bk'): Page {
  return { location: { search, host: '127.0.0.1:4000' }, WebSocket: FakeWebSocket };
}

beforeEach(() => {
  FakeWebSocket.made = [];
});

describe('socket-boot.js', () => {
  it('opens the socket with the page token and asks the first screen’s four questions once it is open', () => {
    const page = browserPage();
    runBoot(page);
    const [socket] = FakeWebSocket.made;
    expect(socket?.url).toBe('ws://127.0.0.1:4000/api?token=t%2Bk');
    expect(socket?.sent).toEqual([]);
    socket?.serverOpens();
    expect(socket?.sent).toEqual([
      { type: 'call', id: 1, channel: 'app.info', payload: {} },
      { type: 'call', id: 2, channel: 'contexts.list', payload: {} },
      { type: 'call', id: 3, channel: 'demo.status', payload: {} },
      { type: 'call', id: 4, channel: 'drafts.list', payload: {} },
    ]);
  });

  it('keeps every frame until the app takes the socket, in order, and none after; it is taken once', () => {
    const page = browserPage();
    runBoot(page);
    const socket = FakeWebSocket.made[0] as FakeWebSocket;
    socket.serverOpens();
    socket.serverSends({ type: 'event', event: 'demo.changed', payload: { running: false } });
    socket.serverSends({ type: 'result', id: 1, result: { ok: true, value: 1 } });
    const boot = takeBootSocket(page);
    expect(boot?.socket).toBe(socket);
    expect(boot?.calls.map((c) => c.channel)).toEqual([
      'app.info',
      'contexts.list',
      'demo.status',
      'drafts.list',
    ]);
    expect(boot?.frames.map((f) => JSON.parse(String(f)).type)).toEqual(['event', 'result']);
    socket.serverSends({ type: 'result', id: 2, result: { ok: true, value: 2 } });
    expect(boot?.frames).toHaveLength(2);
    expect(page.__switchyardBootSocket).toBeUndefined();
    expect(takeBootSocket(page)).toBeUndefined();
  });

  it('does nothing in the desktop app (the preload bridge is there) or without a token', () => {
    const desktop = { ...browserPage(), switchyard: {} };
    runBoot(desktop);
    runBoot(browserPage(''));
    expect(FakeWebSocket.made).toEqual([]);
    expect(takeBootSocket(desktop)).toBeUndefined();
  });

  it('leaves the app to open its own socket when one cannot be made', () => {
    const page = {
      ...browserPage(),
      WebSocket: class {
        constructor() {
          throw new Error('blocked');
        }
      } as unknown as typeof FakeWebSocket,
    };
    expect(() => runBoot(page)).not.toThrow();
    expect(takeBootSocket(page)).toBeUndefined();
  });
});
