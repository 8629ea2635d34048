// Navigation and window rules for every WebContents the app creates. Takes only the few members it
// uses, so it is unit-tested with a stand-in; main.ts applies it from app's 'web-contents-created'.
import { isExternalLinkAllowed } from './external-links.ts';

interface PreventableEvent {
  preventDefault(): void;
}

/** The part of Electron's WebContents the guard touches. */
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
}

export interface GuardOptions {
  /** Our own page's URLs (see renderer-origin.ts). */
  isOurPage(url: string): boolean;
  /** The current allow-list for links handed to the OS (read on each use: it is loaded async). */
  linkPrefixes(): readonly string[];
  openExternal(url: string): void;
  /** Told about every refusal, for the log. */
  refused?(what: string, url: string): void;
}

export function guardWebContents(contents: GuardedContents, opts: GuardOptions): void {
  const openOutside = (url: string): boolean => {
    if (!isExternalLinkAllowed(url, opts.linkPrefixes())) return false;
    opts.openExternal(new URL(url).href);
    return true;
  };
  // No new windows, ever; an allowed link opens in the OS's browser instead.
  contents.setWindowOpenHandler(({ url }) => {
    if (!openOutside(url)) opts.refused?.('window.open', url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (opts.isOurPage(url)) return;
    event.preventDefault();
    if (!openOutside(url)) opts.refused?.('navigation', url);
  });
  contents.on('will-redirect', (event, url) => {
    if (opts.isOurPage(url)) return;
    event.preventDefault();
    opts.refused?.('redirect', url);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    opts.refused?.('webview', '');
  });
}
