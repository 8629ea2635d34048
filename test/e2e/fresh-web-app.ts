import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { type RunningWebApp, startWebApp } from './web-app.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Gives the calling spec file its own `switchyard web` on a fresh demo mesh (and data folder), so
 * no spec depends on what another one changed. Returns the page URL with the token. `env` adds to
 * the process's environment (e.g. SWITCHYARD_DEMO_RPS for a busier demo).
 */
export function startFreshWebAppPerFile(env: NodeJS.ProcessEnv = {}): () => string {
  let app: RunningWebApp | undefined;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    app = await startWebApp({ root, env });
  });
  test.afterAll(async () => {
    await app?.stop();
  });
  return () => {
    if (!app) throw new Error('switchyard web did not start for this spec file');
    return app.url;
  };
}
