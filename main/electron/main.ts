import { join } from 'node:path';
import { app, BrowserWindow, type IpcMainInvokeEvent, session, shell } from 'electron';
import { createAppCore } from '../core/app-core.ts';
import { startEmbeddedDemo } from '../core/demo-launcher.ts';
import { loadLoginShellEnvironment } from '../core/login-shell-env.ts';
import { forwardEvents, wireIpc } from './ipc-wiring.ts';
import { loadWindowBounds, saveWindowBounds } from './window-bounds.ts';

// Thin shell: everything with logic lives in main/core and is tested under plain Node.

const rendererUrl = process.env.ELECTRON_RENDERER_URL; // set by electron-vite in development
const rendererFile = join(import.meta.dirname, '../renderer/index.html');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

function isOurPage(url: string): boolean {
  if (rendererUrl) return url.startsWith(rendererUrl);
  try {
    return (
      new URL(url).protocol === 'file:' &&
      decodeURIComponent(new URL(url).pathname).endsWith('/renderer/index.html')
    );
  } catch {
    return false;
  }
}

async function start() {
  await app.whenReady();
  // Apps started from a dock or launcher lack the login shell's PATH (kubectl exec plugins live there).
  const shellEnv = await loadLoginShellEnvironment({ env: process.env, platform: process.platform });
  if (shellEnv.error) console.warn(`switchyard: login shell environment not loaded: ${shellEnv.error}`);
  Object.assign(process.env, shellEnv.env);

  const dataDir = app.getPath('userData');
  const core = createAppCore({
    mode: 'electron',
    version: app.getVersion(),
    dataDir,
    env: process.env,
    startDemo: startEmbeddedDemo,
  });

  // Deny every permission request (camera, notifications, …): the console needs none.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const bounds = loadWindowBounds(dataDir);
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Switchyard',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (bounds.maximized) win.maximize();

  const trusted = (event: IpcMainInvokeEvent) =>
    event.sender === win.webContents &&
    event.senderFrame !== null &&
    event.senderFrame === win.webContents.mainFrame &&
    isOurPage(event.senderFrame.url);
  const unwire = wireIpc(core, trusted);
  const unforward = forwardEvents(core, () => win.webContents);

  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isOurPage(url)) {
      event.preventDefault();
      if (url.startsWith('https://')) void shell.openExternal(url);
    }
  });
  win.on('close', () => {
    saveWindowBounds(dataDir, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  });
  win.once('ready-to-show', () => win.show());

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    unwire();
    unforward();
    void core.dispose().finally(() => app.quit());
  });

  // The window loads while the demo mesh starts (the first screen lists it as starting).
  const demo = await core.beginDemoIfNoContexts();
  demo.started.catch((err: unknown) =>
    console.error(`the demo mesh did not start: ${(err as Error).message}`),
  );
  if (rendererUrl) await win.loadURL(rendererUrl);
  else await win.loadFile(rendererFile);
}
