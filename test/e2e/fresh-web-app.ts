import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { type RunningWebApp, startWebApp } from './web-app.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Gives the calling spec file its own `switchyard web` on a fresh demo mesh (and data folder), so
 * no spec depends on what another one changed. Returns the page URL with the token.
 */
export function startFreshWebAppPerFile(): () => string {
  let app: RunningWebApp | undefined;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    app = await startWebApp({ root });
  });
  test.afterAll(async () => {
    await app?.stop();
  });
  return () => {
    if (!app) throw new Error('switchyard web did not start for this spec file');
    return app.url;
  };
}
