import { beforeEach, describe, expect, it, vi } from 'vitest';
import { callNames } from '../../../shared/api/contract.ts';

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

const { wireIpc } = await import('../../../main/electron/ipc-wiring.ts');
const { createAppCore } = await import('../../../main/core/app-core.ts');

const core = createAppCore({
  mode: 'electron',
  version: '1.0.0',
  dataDir: '/tmp/sy',
  env: { KUBECONFIG: '/nonexistent/kubeconfig' },
  startDemo: async () => ({ url: 'https://127.0.0.1:1', kubeconfigPath: '/tmp/k', stop: async () => {} }),
});

describe('Electron IPC wiring', () => {
  beforeEach(() => ipcHandlers.clear());

  it('registers exactly one handler per call of the contract', () => {
    wireIpc(core, () => true);
    expect([...ipcHandlers.keys()].sort()).toEqual([...callNames].sort());
  });

  it('answers a payload that fails its schema with a typed error', async () => {
    wireIpc(core, () => true);
    const result = await ipcHandlers.get('contexts.list')?.({}, { bogus: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('refuses calls from a frame that is not our window', async () => {
    wireIpc(core, () => false);
    const result = await ipcHandlers.get('app.info')?.({}, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers a valid call', async () => {
    wireIpc(core, () => true);
    expect(await ipcHandlers.get('app.info')?.({}, {})).toMatchObject({
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
