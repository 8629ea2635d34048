import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { appDocsPrefixes } from '../../../main/electron/external-links.ts';
import { chooseRendererSource, isTrustedRendererUrl } from '../../../main/electron/renderer-origin.ts';
import { type GuardedContents, guardWebContents } from '../../../main/electron/web-contents-guard.ts';

// A stand-in WebContents: Electron cannot start here; the guard only uses these members.
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents = {
    setWindowOpenHandler: (h: typeof openHandler) => {
      openHandler = h;
    },
    on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
  } as unknown as GuardedContents;
  const fire = (event: string, url = '') => {
    let prevented = false;
    emitter.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler?.({ url }) };
}

function guarded() {
  const source = chooseRendererSource({ isPackaged: true });
  const opened: string[] = [];
  const refused: string[] = [];
  const fake = fakeContents();
  guardWebContents(fake.contents, {
    isOurPage: (url) => isTrustedRendererUrl(url, source),
    linkPrefixes: () => [...appDocsPrefixes, 'https://grafana.example.com/d/'],
    openExternal: (url) => opened.push(url),
    refused: (what, url) => refused.push(`${what} ${url}`),
  });
  return { ...fake, opened, refused };
}

describe('the navigation guard', () => {
  it('lets the page move within app://switchyard', () => {
    const g = guarded();
    expect(g.fire('will-navigate', 'app://switchyard/index.html#/drafts')).toBe(false);
    expect(g.opened).toEqual([]);
  });

  it('stops navigation elsewhere, opening allowed links in the OS browser only', () => {
    const g = guarded();
    expect(g.fire('will-navigate', 'https://switchyard.io/docs/drafts')).toBe(true);
    expect(g.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(g.fire('will-navigate', 'file:///tmp/renderer/index.html')).toBe(true);
    expect(g.opened).toEqual(['https://switchyard.io/docs/drafts']);
    expect(g.refused).toEqual([
      'navigation https://evil.example/',
      'navigation file:///tmp/renderer/index.html',
    ]);
  });

  it('never opens a window; allowed links go to the OS browser, normalized', () => {
    const g = guarded();
    expect(g.open('https://grafana.example.com/d/x/../abc')).toEqual({ action: 'deny' });
    expect(g.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(g.open('app://switchyard/index.html')).toEqual({ action: 'deny' });
    expect(g.opened).toEqual(['https://grafana.example.com/d/abc']);
  });

  it('stops redirects away from our page and every webview', () => {
    const g = guarded();
    expect(g.fire('will-redirect', 'https://switchyard.io/docs/')).toBe(true);
    expect(g.fire('will-redirect', 'app://switchyard/index.html')).toBe(false);
    expect(g.fire('will-attach-webview')).toBe(true);
    expect(g.opened).toEqual([]);
  });
});
