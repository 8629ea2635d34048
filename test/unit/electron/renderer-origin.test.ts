import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  chooseRendererSource,
  isTrustedIpcSender,
  isTrustedRendererUrl,
} from '../../../main/electron/renderer-origin.ts';

const packaged = chooseRendererSource({ isPackaged: true, devServerUrl: 'http://localhost:5173/' });
const dev = chooseRendererSource({ isPackaged: false, devServerUrl: 'http://localhost:5173/' });

describe('where the renderer comes from', () => {
  it('is always app://switchyard in a packaged app, whatever ELECTRON_RENDERER_URL says', () => {
    expect(packaged).toEqual({ kind: 'app', entryUrl: APP_ENTRY_URL });
    expect(chooseRendererSource({ isPackaged: true, devServerUrl: 'https://evil.example/' })).toEqual(
      packaged,
    );
    expect(APP_ENTRY_URL).toBe('app://switchyard/index.html');
  });

  it('is app:// in an unpackaged app without a dev server', () => {
    expect(chooseRendererSource({ isPackaged: false })).toEqual(packaged);
    expect(chooseRendererSource({ isPackaged: false, devServerUrl: '' })).toEqual(packaged);
  });

  it('takes the dev server only unpackaged and only over loopback http', () => {
    expect(dev).toEqual({
      kind: 'dev-server',
      entryUrl: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
    });
    expect(chooseRendererSource({ isPackaged: false, devServerUrl: 'http://[::1]:9/' }).kind).toBe(
      'dev-server',
    );
    for (const bad of [
      'https://evil.example/',
      'http://192.168.1.9:5173/',
      'http://localhost.evil.example:5173/',
      'file:///tmp/index.html',
      'http://user:pw@127.0.0.1:5173/',
    ]) {
      expect(() => chooseRendererSource({ isPackaged: false, devServerUrl: bad }), bad).toThrow(
        /ELECTRON_RENDERER_URL must be an http:\/\/ URL on 127\.0\.0\.1, localhost or \[::1\]/,
      );
    }
    expect(() => chooseRendererSource({ isPackaged: false, devServerUrl: 'not a url' })).toThrow(
      "ELECTRON_RENDERER_URL is not a URL: 'not a url'",
    );
  });
});

describe('which pages are ours', () => {
  it('trusts app://switchyard pages in the packaged app', () => {
    expect(isTrustedRendererUrl('app://switchyard/index.html', packaged)).toBe(true);
    expect(isTrustedRendererUrl('app://switchyard/', packaged)).toBe(true);
    expect(isTrustedRendererUrl('app://switchyard/index.html#/services', packaged)).toBe(true);
  });

  it('does not trust file:// pages, other hosts or schemes, credentials or the dev server when packaged', () => {
    for (const url of [
      // The old rule trusted any file ending in /renderer/index.html; a downloaded file matches it.
      'file:///home/me/Downloads/renderer/index.html',
      'app://switchyard.evil/index.html',
      'app://evil/index.html',
      'app://user@switchyard/index.html',
      'app://switchyard:8080/index.html',
      'apps://switchyard/index.html',
      'https://switchyard/index.html',
      'http://localhost:5173/',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      '',
      'garbage',
    ]) {
      expect(isTrustedRendererUrl(url, packaged), url).toBe(false);
    }
    expect(isTrustedRendererUrl(undefined, packaged)).toBe(false);
  });

  it('trusts only the dev server origin in development', () => {
    expect(isTrustedRendererUrl('http://localhost:5173/src/main.tsx', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isTrustedRendererUrl('app://switchyard/index.html', dev)).toBe(false);
  });

  it('never trusts a web URL in the packaged app (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        expect(isTrustedRendererUrl(url, packaged)).toBe(false);
      }),
    );
  });

  it('never trusts an app:// URL on another host (property)', () => {
    fc.assert(
      fc.property(
        fc.domain().filter((d) => d !== 'switchyard'),
        fc.webPath(),
        (host, path) => {
          expect(isTrustedRendererUrl(`app://${host}${path}`, packaged)).toBe(false);
        },
      ),
    );
  });
});

describe('which IPC senders are answered', () => {
  const ok = { fromOurWindow: true, isMainFrame: true, frameUrl: 'app://switchyard/index.html' };

  it('answers our window top frame showing our page', () => {
    expect(isTrustedIpcSender(ok, packaged)).toBe(true);
  });

  it('refuses another window, a subframe, a gone frame or a foreign page', () => {
    expect(isTrustedIpcSender({ ...ok, fromOurWindow: false }, packaged)).toBe(false);
    expect(isTrustedIpcSender({ ...ok, isMainFrame: false }, packaged)).toBe(false);
    expect(isTrustedIpcSender({ ...ok, frameUrl: undefined }, packaged)).toBe(false);
    expect(isTrustedIpcSender({ ...ok, frameUrl: 'file:///x/renderer/index.html' }, packaged)).toBe(false);
    expect(isTrustedIpcSender({ ...ok, frameUrl: 'https://evil.example/' }, packaged)).toBe(false);
  });
});
