// Where the renderer comes from and which URLs count as "our page". Pure: no Electron, no I/O, so
// every trust decision of the shell (IPC senders, navigation) is unit-tested under plain Node.

/** The privileged scheme the packaged renderer is served from (see app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchyard';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export type RendererSource =
  | { kind: 'app'; entryUrl: string }
  /** electron-vite's dev server, only ever in an unpackaged app. */
  | { kind: 'dev-server'; entryUrl: string; origin: string };

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The packaged app always loads app://switchyard. ELECTRON_RENDERER_URL (set by `electron-vite dev`)
 * counts only when the app is not packaged, and only as an http URL on this machine.
 */
export function chooseRendererSource(opts: { isPackaged: boolean; devServerUrl?: string }): RendererSource {
  const app: RendererSource = { kind: 'app', entryUrl: APP_ENTRY_URL };
  if (opts.isPackaged || !opts.devServerUrl) return app;
  let url: URL;
  try {
    url = new URL(opts.devServerUrl);
  } catch {
    throw new Error(`ELECTRON_RENDERER_URL is not a URL: '${opts.devServerUrl}'`);
  }
  if (url.protocol !== 'http:' || !loopbackHosts.has(url.hostname) || url.username || url.password) {
    throw new Error(
      `ELECTRON_RENDERER_URL must be an http:// URL on 127.0.0.1, localhost or [::1], not '${opts.devServerUrl}'`,
    );
  }
  return { kind: 'dev-server', entryUrl: url.href, origin: url.origin };
}

/** Whether a URL belongs to the renderer's own origin: app://switchyard, or the dev server's. */
export function isTrustedRendererUrl(url: string | undefined, source: RendererSource): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (source.kind === 'dev-server') return parsed.origin === source.origin;
  // Node's URL gives custom schemes an opaque origin ('null'), so the parts are compared instead.
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

export interface IpcSenderFacts {
  /** The sending WebContents is our main window's. */
  fromOurWindow: boolean;
  /** The sending frame is that window's top frame (not an iframe). */
  isMainFrame: boolean;
  /** The sending frame's URL (undefined once the frame is gone). */
  frameUrl: string | undefined;
}

/** IPC is answered only for our window's top frame showing our own origin. */
export function isTrustedIpcSender(facts: IpcSenderFacts, source: RendererSource): boolean {
  return facts.fromOurWindow && facts.isMainFrame && isTrustedRendererUrl(facts.frameUrl, source);
}
