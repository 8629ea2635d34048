import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  type IpcMainInvokeEvent,
  Notification,
  protocol,
  session,
  shell,
} from 'electron';
import { createAppCore } from '../core/app-core.ts';
import { firstScreenGate } from '../core/first-screen-gate.ts';
import { loadLoginShellEnvironment } from '../core/login-shell-env.ts';
import { demoSampleRequests, startEmbeddedDemo } from '../demo/embedded-demo.ts';
import { createAppProtocolHandler } from './app-protocol.ts';
import { appDocsPrefixes } from './external-links.ts';
import { loadLinkAllowList } from './external-links-file.ts';
import { forwardEvents, wireIpc } from './ipc-wiring.ts';
import { denyAllPermissions } from './permissions.ts';
import { notifyPlanOutcomes } from './plan-notifications.ts';
import {
  APP_SCHEME,
  chooseRendererSource,
  isTrustedIpcSender,
  isTrustedRendererUrl,
} from './renderer-origin.ts';
import { guardWebContents } from './web-contents-guard.ts';
import { loadWindowBounds, saveWindowBounds } from './window-bounds.ts';

// Thin shell: every decision with logic (origins, paths, links, permissions) lives in plain
// modules beside this one and is unit-tested under Node; this file only wires them to Electron.

// The dev server only in an unpackaged app (electron-vite dev); a packaged app loads app:// only.
const source = chooseRendererSource({
  isPackaged: app.isPackaged,
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
});
const rendererRoot = join(import.meta.dirname, '../renderer');
const isOurPage = (url: string) => isTrustedRendererUrl(url, source);

// Must happen before 'ready'. standard: real origin and relative URLs; secure: a secure context.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();

let linkPrefixes: readonly string[] = appDocsPrefixes;
app.on('web-contents-created', (_event, contents) => {
  guardWebContents(contents, {
    isOurPage,
    linkPrefixes: () => linkPrefixes,
    openExternal: (url) => void shell.openExternal(url),
    refused: (what, url) => console.warn(`switchyard: refused ${what} ${url}`),
  });
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

/** How long the demo mesh waits at most for the window's first cluster list. */
const FIRST_SCREEN_WAIT_MS = 5000;

async function start() {
  await app.whenReady();
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererRoot));
  denyAllPermissions(session.defaultSession, (permission) =>
    console.warn(`switchyard: refused the permission '${permission}'`),
  );

  // Apps started from a dock or launcher lack the login shell's PATH (kubectl exec plugins live there).
  const shellEnv = await loadLoginShellEnvironment({ env: process.env, platform: process.platform });
  if (shellEnv.error) console.warn(`switchyard: login shell environment not loaded: ${shellEnv.error}`);
  Object.assign(process.env, shellEnv.env);

  const dataDir = app.getPath('userData');
  void loadLinkAllowList(dataDir).then((list) => {
    linkPrefixes = list.prefixes;
    for (const problem of list.problems) console.warn(`switchyard: external links: ${problem}`);
  });
  const core = createAppCore({
    mode: 'electron',
    version: app.getVersion(),
    dataDir,
    env: process.env,
    startDemo: startEmbeddedDemo,
    demoRequests: demoSampleRequests,
  });

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
    isTrustedIpcSender(
      {
        fromOurWindow: event.sender === win.webContents,
        isMainFrame: event.senderFrame !== null && event.senderFrame === win.webContents.mainFrame,
        frameUrl: event.senderFrame?.url,
      },
      source,
    );
  // The demo mesh starts once the window's first cluster list was answered (at most 5 s on), so
  // that its seeding does not hold up the first screen's calls, as in browser mode.
  const firstScreen = firstScreenGate({ noPageMs: FIRST_SCREEN_WAIT_MS, pageMs: FIRST_SCREEN_WAIT_MS });
  const unwire = wireIpc({ ...core, handlers: firstScreen.watch(core.handlers) }, trusted);
  const unforward = forwardEvents(core, win.webContents);
  const unnotify = notifyPlanOutcomes(core, (title, body) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
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
    unnotify();
    void core.dispose().finally(() => app.quit());
  });

  // The window loads while the demo mesh waits to start (the first screen lists it as starting).
  const demo = await core.beginDemoIfNoContexts(firstScreen.served);
  demo.started.catch((err: unknown) =>
    console.error(`the demo mesh did not start: ${(err as Error).message}`),
  );
  await win.loadURL(source.entryUrl);
}
