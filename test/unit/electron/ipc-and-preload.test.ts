import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventSink } from '../../../main/core/api-dispatch.ts';
import { callNames } from '../../../shared/api/contract.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

// Electron cannot start on this machine, so its modules are replaced by recorders; the code under
// test (main/electron/ipc-wiring.ts and preload.ts) is the real one.
const ipcHandlers = new Map<string, (event: unknown, payload: unknown) => unknown>();
const exposed: Record<string, unknown> = {};
const invoked: Array<{ channel: string; payload: unknown }> = [];

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, payload: unknown) => unknown) =>
      ipcHandlers.set(channel, fn),
    removeHandler: (channel: string) => ipcHandlers.delete(channel),
  },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoked.push({ channel, payload });
      return { ok: true, value: null };
    },
    on: vi.fn(),
    removeListener: vi.fn(),
  },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
}));

const { forwardEvents, wireIpc } = await import('../../../main/electron/ipc-wiring.ts');
const { createAppCore } = await import('../../../main/core/app-core.ts');

const core = createAppCore({
  mode: 'electron',
  version: '1.0.0',
  dataDir: '/tmp/sy',
  env: { KUBECONFIG: '/nonexistent/kubeconfig' },
  startDemo: async () => ({ url: 'https://127.0.0.1:1', kubeconfigPath: '/tmp/k', stop: async () => {} }),
});

/** An invoke event from window 1's top frame (trust is decided by the predicate given to wireIpc). */
const fromWindow = { sender: { id: 1 } };

describe('Electron IPC wiring', () => {
  beforeEach(() => ipcHandlers.clear());

  it('registers exactly one handler per call of the contract', () => {
    wireIpc(core, () => true);
    expect([...ipcHandlers.keys()].sort()).toEqual([...callNames].sort());
  });

  it('answers a payload that fails its schema with a typed error', async () => {
    wireIpc(core, () => true);
    const result = await ipcHandlers.get('contexts.list')?.(fromWindow, { bogus: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('refuses calls from a frame that is not our window', async () => {
    wireIpc(core, () => false);
    const result = await ipcHandlers.get('app.info')?.({}, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers a valid call', async () => {
    wireIpc(core, () => true);
    expect(await ipcHandlers.get('app.info')?.(fromWindow, {})).toMatchObject({
      ok: true,
      value: { mode: 'electron' },
    });
  });
});

describe('the preload bridge', () => {
  it('exposes one function per call and nothing generic', async () => {
    await import('../../../main/electron/preload.ts');
    const bridge = exposed.switchyard as {
      calls: Record<string, (p: unknown) => Promise<unknown>>;
      on: unknown;
    };
    expect(Object.keys(bridge).sort()).toEqual(['calls', 'on']);
    expect(Object.keys(bridge.calls).sort()).toEqual([...callNames].sort());
    await bridge.calls['app.info']?.({});
    expect(invoked).toEqual([{ channel: 'app.info', payload: {} }]);
    expect(Object.isFrozen(bridge.calls)).toBe(true);
  });

  it('refuses to subscribe to an event outside the contract', async () => {
    await import('../../../main/electron/preload.ts');
    const bridge = exposed.switchyard as { on: (e: string, l: () => void) => () => void };
    expect(() => bridge.on('ipc:anything', () => {})).toThrow(/not an event of the Switchyard contract/);
    expect(typeof bridge.on('demo.changed', () => {})).toBe('function');
  });
});

describe('each window is a client of its own', () => {
  beforeEach(() => ipcHandlers.clear());

  it('passes the sending window to the handlers as the caller', async () => {
    const callers: unknown[] = [];
    const handlers = fakeHandlers({
      'metrics.visibility': async (_req, caller) => {
        callers.push(caller);
        return { paused: true };
      },
    });
    wireIpc({ ...core, handlers }, () => true);
    await ipcHandlers.get('metrics.visibility')?.({ sender: { id: 7 } }, { visible: false });
    await ipcHandlers.get('metrics.visibility')?.({ sender: { id: 8 } }, { visible: false });
    expect(callers).toEqual([{ clientId: 'window-7' }, { clientId: 'window-8' }]);
  });

  it('sends a window its own events, and drops what it watched when it reloads or is destroyed', () => {
    const subscribed: Array<{ sink: EventSink; clientId: string | undefined }> = [];
    const reset: string[] = [];
    const dropped: string[] = [];
    const fakeCore = {
      ...core,
      subscribe(sink: EventSink, clientId?: string) {
        subscribed.push({ sink, clientId });
        return () => dropped.push(String(clientId));
      },
      clientReset: (id: string) => reset.push(id),
    };
    const contents = Object.assign(new EventEmitter(), {
      id: 7,
      sent: [] as string[],
      send(channel: string) {
        this.sent.push(channel);
      },
      isDestroyed: () => false,
    });
    forwardEvents(fakeCore, contents as unknown as Parameters<typeof forwardEvents>[1]);
    expect(subscribed.map((s) => s.clientId)).toEqual(['window-7']);
    subscribed[0]?.sink('demo.changed', { running: false });
    expect(contents.sent).toEqual(['event:demo.changed']);

    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    contents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(reset).toEqual([]);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(reset).toEqual(['window-7']);
    expect(dropped).toEqual([]);
    contents.emit('destroyed');
    expect(dropped).toEqual(['window-7']);
  });
});
