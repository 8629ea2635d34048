import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// main/electron/main.ts cannot run without Electron, so Electron is a recorder here and the app
// core a stub; the shell's own wiring (scheme, handlers, what it loads, whom IPC trusts) is real.

interface Recorded {
  order: string[];
  schemes: unknown[];
  protocolHandlers: Map<string, (req: Request) => Promise<Response>>;
  permissionHandlers: string[];
  loaded: string[];
  ipc: Map<string, (event: unknown, payload: unknown) => unknown>;
  mainFrame: object;
  webContents: object;
}

async function runMain(opts: { isPackaged: boolean; rendererUrl?: string }): Promise<Recorded> {
  vi.resetModules();
  const rec: Recorded = {
    order: [],
    schemes: [],
    protocolHandlers: new Map(),
    permissionHandlers: [],
    loaded: [],
    ipc: new Map(),
    mainFrame: {},
    webContents: {},
  };
  let loaded!: () => void;
  const done = new Promise<void>((r) => (loaded = r));
  const userData = mkdtempSync(join(tmpdir(), 'sy-main-'));
  const webContents = Object.assign(rec.webContents, {
    id: 1,
    mainFrame: rec.mainFrame,
    isDestroyed: () => false,
    send: () => {},
    on: () => webContents,
  });
  vi.doMock('electron', () => ({
    app: {
      isPackaged: opts.isPackaged,
      on: () => {},
      enableSandbox: () => rec.order.push('enableSandbox'),
      requestSingleInstanceLock: () => true,
      quit: () => {},
      whenReady: async () => rec.order.push('ready'),
      getPath: () => userData,
      getVersion: () => '1.0.0',
    },
    BrowserWindow: class {
      webContents = webContents;
      on() {}
      once() {}
      maximize() {}
      async loadURL(url: string) {
        rec.loaded.push(url);
        loaded();
      }
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        rec.order.push('registerSchemesAsPrivileged');
        rec.schemes.push(...schemes);
      },
      handle: (scheme: string, handler: (req: Request) => Promise<Response>) =>
        rec.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => rec.permissionHandlers.push('request'),
        setPermissionCheckHandler: () => rec.permissionHandlers.push('check'),
        setDevicePermissionHandler: () => rec.permissionHandlers.push('device'),
      },
    },
    shell: { openExternal: async () => {} },
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, payload: unknown) => unknown) =>
        rec.ipc.set(channel, fn),
      removeHandler: () => {},
    },
  }));
  vi.doMock('../../../main/core/app-core.ts', () => ({
    createAppCore: () => ({
      // Reaching the handler is what is checked; its answer is a recognizable failure.
      handlers: {
        'app.info': async () => {
          throw new Error('handler reached');
        },
      },
      subscribe: () => () => {},
      beginDemoIfNoContexts: async () => ({ started: Promise.resolve(false) }),
      dispose: async () => {},
    }),
  }));
  vi.stubEnv('ELECTRON_RENDERER_URL', opts.rendererUrl ?? '');
  vi.stubEnv('SWITCHYARD_SKIP_SHELL_ENV', '1');
  await import('../../../main/electron/main.ts');
  await done;
  return rec;
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.doUnmock('electron');
  vi.doUnmock('../../../main/core/app-core.ts');
});

describe('the Electron shell', () => {
  it('registers app:// as a standard, secure scheme before the app is ready, and serves it', async () => {
    const rec = await runMain({ isPackaged: true });
    expect(rec.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(rec.order.indexOf('registerSchemesAsPrivileged')).toBeLessThan(rec.order.indexOf('ready'));
    expect(rec.order).toContain('enableSandbox');
    expect([...rec.protocolHandlers.keys()]).toEqual(['app']);
    const refused = await rec.protocolHandlers.get('app')?.(
      new Request('app://switchyard/..%2fmain/index.js'),
    );
    expect(refused?.status).toBe(400);
  });

  it('loads app://switchyard when packaged, even with ELECTRON_RENDERER_URL set', async () => {
    const rec = await runMain({ isPackaged: true, rendererUrl: 'http://localhost:5173/' });
    expect(rec.loaded).toEqual(['app://switchyard/index.html']);
  });

  it('loads the dev server only when not packaged', async () => {
    expect((await runMain({ isPackaged: false, rendererUrl: 'http://localhost:5173/' })).loaded).toEqual([
      'http://localhost:5173/',
    ]);
    expect((await runMain({ isPackaged: false })).loaded).toEqual(['app://switchyard/index.html']);
  });

  it('denies permission requests, checks and devices', async () => {
    expect((await runMain({ isPackaged: true })).permissionHandlers.sort()).toEqual([
      'check',
      'device',
      'request',
    ]);
  });

  it('answers IPC only from its window top frame showing app://switchyard', async () => {
    const rec = await runMain({ isPackaged: true });
    const call = (event: unknown) => rec.ipc.get('app.info')?.(event, {});
    const ours = { sender: rec.webContents, senderFrame: Object.assign(rec.mainFrame, { url: '' }) };
    (rec.mainFrame as { url: string }).url = 'app://switchyard/index.html';
    const reached = { ok: false, error: { code: 'internal', message: 'app.info failed: handler reached' } };
    expect(await call(ours)).toMatchObject(reached);
    (rec.mainFrame as { url: string }).url = 'file:///tmp/renderer/index.html';
    expect(await call(ours)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    (rec.mainFrame as { url: string }).url = 'app://switchyard/index.html';
    const subframe = { sender: rec.webContents, senderFrame: { url: 'app://switchyard/index.html' } };
    expect(await call(subframe)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call({ sender: {}, senderFrame: rec.mainFrame })).toMatchObject({ ok: false });
  });
});
