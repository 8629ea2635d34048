import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build, type UserConfig } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import electronConfig from '../../../electron.vite.config.ts';
import rendererConfig from '../../../renderer/vite.config.ts';
import { chromiumArgs, debianChromium } from '../../e2e/chromium.ts';

// zod 4 probes `new Function` when its first object schema is built, unless its config says
// `jitless`; the desktop CSP refuses the probe and reports a violation. The renderer's build sets
// the config through an alias of 'zod' (renderer/zod-alias.ts). This builds the renderer as
// browser mode does and loads it once in Chromium, with the Function constructor watched from
// before the first script. The schemas are not on the first screen (issue 13): the contract's
// chunk loads once it painted (renderer/src/api/event-gate.ts), and the test waits until that
// chunk has run, with zod, and builds every event schema; none of them may have probed.

const root = resolve(import.meta.dirname, '../../..');
const outDir = mkdtempSync(join(tmpdir(), 'sy-renderer-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

describe("the built renderer and zod's config", () => {
  it('both renderer builds alias zod to the same module', () => {
    const aliasOf = (c: UserConfig | undefined) => c?.resolve?.alias;
    const electronRenderer = (electronConfig as { renderer?: UserConfig }).renderer;
    expect(aliasOf(electronRenderer)).toEqual(aliasOf(rendererConfig as UserConfig));
    expect(JSON.stringify(aliasOf(rendererConfig as UserConfig))).toContain('zod-alias.ts');
  });

  it('never constructs a Function while its schemas are built', async () => {
    await build({
      configFile: join(root, 'renderer/vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, manifest: true },
    });
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Record<
      string,
      { file: string }
    >;
    const contractChunk = manifest['../shared/api/contract.ts']?.file;
    expect(contractChunk).toBeDefined();
    const browser = await chromium.launch({
      ...(debianChromium ? { executablePath: debianChromium } : {}),
      args: chromiumArgs,
    });
    try {
      const page = await browser.newPage();
      // Served from a name that does not resolve: the page's socket fails, the first screen renders.
      await page.route('http://renderer.test/**', (route) => {
        const path = new URL(route.request().url()).pathname;
        const file = join(outDir, path === '/' ? 'index.html' : path);
        return route.fulfill({
          body: readFileSync(file),
          contentType: TYPES[extname(file)] ?? 'application/octet-stream',
        });
      });
      await page.addInitScript(() => {
        const made: string[] = [];
        (window as unknown as { functionsMade: string[] }).functionsMade = made;
        window.Function = new Proxy(Function, {
          construct(target, args) {
            made.push(String(args.at(-1)).slice(0, 80));
            return Reflect.construct(target, args);
          },
          apply(target, self, args) {
            made.push(String(args.at(-1)).slice(0, 80));
            return Reflect.apply(target, self, args);
          },
        });
      });
      const contractUrl = `http://renderer.test/${contractChunk}`;
      const contractRequested = page.waitForRequest(contractUrl);
      await page.goto('http://renderer.test/');
      await page.getByRole('heading', { name: 'Switchyard', level: 1 }).waitFor();
      // The app asks for the contract by itself (no event comes: the page's socket fails)...
      await contractRequested;
      // ...and importing the same URL again settles once that module (and zod before it) has run.
      // Its schemas are built at their first use (shared/api/lazy-schema.ts): each event schema it
      // exports is used here, which builds it. (A string: vitest would rewrite an import() written
      // in a function.)
      const built = await page.evaluate(`import(${JSON.stringify(contractUrl)}).then((m) => {
        let n = 0;
        for (const exported of Object.values(m)) {
          if (typeof exported !== 'object' || exported === null) continue;
          for (const schema of Object.values(exported)) {
            if (typeof schema?.safeParse !== 'function') continue;
            schema.safeParse({});
            n++;
          }
        }
        return n;
      })`);
      expect(built).toBeGreaterThan(10);
      const made = await page.evaluate(
        () => (window as unknown as { functionsMade: string[] }).functionsMade,
      );
      expect(made).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
