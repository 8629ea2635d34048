import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appDocsPrefixes,
  isExternalLinkAllowed,
  maxExternalLinksFileBytes,
  parseLinkAllowList,
} from '../../../main/electron/external-links.ts';
import { loadLinkAllowList } from '../../../main/electron/external-links-file.ts';

const prefixes = [...appDocsPrefixes, 'https://grafana.example.com/d', 'http://10.0.0.5:3000/'];

describe('links opened outside the app', () => {
  it("opens the app's docs and the operator's prefixes", () => {
    expect(isExternalLinkAllowed('https://switchyard.io/docs/', prefixes)).toBe(true);
    expect(isExternalLinkAllowed('https://switchyard.io/docs/drafts#merge', prefixes)).toBe(true);
    expect(isExternalLinkAllowed('https://grafana.example.com/d', prefixes)).toBe(true);
    expect(isExternalLinkAllowed('https://grafana.example.com/d/abc?var=1', prefixes)).toBe(true);
    expect(isExternalLinkAllowed('http://10.0.0.5:3000/explore', prefixes)).toBe(true);
  });

  it('refuses any https URL that is not under a prefix', () => {
    for (const url of [
      'https://evil.example/',
      'https://switchyard.io/',
      'https://switchyard.io/docsx',
      'https://switchyard.io/docs/../admin',
      'https://switchyard.io/docs/%2e%2e/admin',
      'https://switchyard.io.evil.example/docs/',
      'https://switchyard.io:8443/docs/',
      'http://switchyard.io/docs/',
      'https://grafana.example.com/dx',
      'https://grafana.example.com/',
      'https://10.0.0.5:3000/',
      'https://user:pw@switchyard.io/docs/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,hi',
      'smb://host/share',
      'not a url',
    ]) {
      expect(isExternalLinkAllowed(url, prefixes), url).toBe(false);
    }
  });

  it('refuses every web URL when nothing is allowed, and every other host (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        expect(isExternalLinkAllowed(url, [])).toBe(false);
        const host = new URL(url).hostname;
        if (host !== 'switchyard.io' && host !== 'grafana.example.com' && host !== '10.0.0.5') {
          expect(isExternalLinkAllowed(url, prefixes)).toBe(false);
        }
      }),
    );
  });
});

describe("the operator's external-links.json", () => {
  it('keeps good prefixes and reports each bad entry', () => {
    const list = parseLinkAllowList(
      JSON.stringify({
        allow: [
          'https://grafana.example.com/d/',
          'ftp://x/',
          'https://u:p@x.example/',
          'https://x.example/?q=1',
          'relative/path',
          42,
        ],
      }),
    );
    expect(list.prefixes).toEqual(['https://grafana.example.com/d/']);
    expect(list.problems).toEqual([
      "'ftp://x/' is not an http or https URL",
      "'https://u:p@x.example/' carries credentials",
      "'https://x.example/?q=1' has a query or fragment; list a path prefix",
      "'relative/path' is not an absolute URL",
      '42 is not a string',
    ]);
  });

  it('allows nothing extra from a file of the wrong shape, and says why', () => {
    expect(parseLinkAllowList('{').problems[0]).toMatch(/^external-links\.json is not JSON/);
    for (const text of ['[]', 'null', '{"allow":"https://x/"}', '{}']) {
      expect(parseLinkAllowList(text)).toEqual({
        prefixes: [],
        problems: ['external-links.json must be an object with an "allow" array of URL prefixes'],
      });
    }
  });

  it('is read from the data folder beside the docs, and odd files are reported, not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-links-'));
    expect(await loadLinkAllowList(dir)).toEqual({ prefixes: [...appDocsPrefixes], problems: [] });

    writeFileSync(join(dir, 'external-links.json'), JSON.stringify({ allow: ['https://g.example/d/'] }));
    expect(await loadLinkAllowList(dir)).toEqual({
      prefixes: [...appDocsPrefixes, 'https://g.example/d/'],
      problems: [],
    });

    writeFileSync(join(dir, 'external-links.json'), ' '.repeat(maxExternalLinksFileBytes + 1));
    expect((await loadLinkAllowList(dir)).problems[0]).toMatch(/is larger than 65536 bytes; ignored$/);

    const fifoDir = mkdtempSync(join(tmpdir(), 'sy-links-fifo-'));
    if (spawnSync('mkfifo', [join(fifoDir, 'external-links.json')]).status === 0) {
      expect(await loadLinkAllowList(fifoDir)).toEqual({
        prefixes: [...appDocsPrefixes],
        problems: [`${join(fifoDir, 'external-links.json')} is not a regular file; ignored`],
      });
    }
  });
});
