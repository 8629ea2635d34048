import { join, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAppPath } from '../../../main/electron/app-protocol-path.ts';

const root = join(sep, 'opt', 'Switchyard', 'resources', 'app.asar', 'out', 'renderer');

describe('app:// paths', () => {
  it('maps the page and its assets below the renderer folder', () => {
    expect(resolveAppPath(root, 'app://switchyard/index.html')).toEqual({
      ok: true,
      file: join(root, 'index.html'),
      relative: 'index.html',
    });
    expect(resolveAppPath(root, 'app://switchyard/')).toMatchObject({ ok: true, relative: 'index.html' });
    expect(resolveAppPath(root, 'app://switchyard/assets/index-C1y.js?v=1#x')).toMatchObject({
      ok: true,
      file: join(root, 'assets', 'index-C1y.js'),
    });
    expect(resolveAppPath(root, 'app://switchyard/assets/a%20b.css')).toMatchObject({
      ok: true,
      file: join(root, 'assets', 'a b.css'),
    });
  });

  it('serves only the switchyard host of the app scheme', () => {
    expect(resolveAppPath(root, 'app://other/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'file:///etc/passwd')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'not a url')).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses every way out of the folder', () => {
    const attempts = [
      'app://switchyard/..%2f..%2fpackage.json',
      'app://switchyard/assets%5c..%5c..%5cpackage.json',
      'app://switchyard/assets/..\\..\\package.json',
      'app://switchyard/index.html%00.js',
      'app://switchyard/.env',
      'app://switchyard/C:/Windows/win.ini',
      'app://switchyard/%E0%A4%A',
    ];
    for (const url of attempts) {
      const result = resolveAppPath(root, url);
      expect(result.ok, url).toBe(false);
    }
    // The URL parser removes dot segments (plain or a whole %2e%2e segment) before we see them,
    // as Chromium does for a standard scheme: what is left stays inside the folder.
    for (const url of [
      'app://switchyard/../../package.json',
      'app://switchyard/%2e%2e/%2e%2e/package.json',
    ]) {
      expect(resolveAppPath(root, url), url).toMatchObject({ ok: true, file: join(root, 'package.json') });
    }
    expect(resolveAppPath(root, 'app://switchyard/assets/%2E%2E/%2E%2E/main/index.js')).toMatchObject({
      ok: true,
      file: join(root, 'main', 'index.js'),
    });
  });

  it('refuses a relative renderer folder outright', () => {
    expect(() => resolveAppPath('out/renderer', 'app://switchyard/')).toThrow(/must be absolute/);
  });

  it('never resolves outside the renderer folder, whatever the path (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '%2e%2e', '%2E.', '..%2f', '%5c..', '\\..', '%00', 'C:', '', 'assets'),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const result = resolveAppPath(root, `app://switchyard/${segments.join('/')}`);
        if (result.ok) expect(result.file.startsWith(root + sep)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
