import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

// The open service kept in the URL hash also works in the desktop app's file:// page.

const binary = findElectronBinary();
const built = existsSync('out/main/index.js');
const skipReason = !binary.path
  ? `Skipping the Electron place spec: ${binary.reason}. Browser mode's operator-place spec covers the hash.`
  : !built
    ? 'Skipping the Electron place spec: out/main/index.js is missing; run `npm run build` first.'
    : undefined;
if (skipReason) console.log(skipReason);

test.describe('the desktop app', () => {
  test.skip(skipReason !== undefined, skipReason);

  test('keeps the open service in the URL: a reload and Back return to it', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'sy-electron-'));
    const app = await electron.launch({
      executablePath: binary.path,
      args: ['out/main/index.js', `--user-data-dir=${userData}`, '--no-sandbox'],
      env: { ...process.env, KUBECONFIG: join(userData, 'none'), SWITCHYARD_SKIP_SHELL_ENV: '1' },
    });
    const page = await app.firstWindow();
    await page.getByRole('option', { name: 'reviews in bookinfo' }).click({ timeout: 30_000 });
    await expect(page.getByRole('heading', { name: /^reviews/, level: 2 })).toBeVisible();
    await page.getByRole('option', { name: 'ratings in bookinfo' }).click();
    await expect(page.getByRole('heading', { name: /^ratings/, level: 2 })).toBeVisible();
    expect(page.url()).toMatch(/^file:.*index\.html#\/c\/demo\/s\/.*ratings/);
    await page.reload();
    await expect(page.getByRole('heading', { name: /^ratings/, level: 2 })).toBeVisible({ timeout: 30_000 });
    await page.goBack();
    await expect(page.getByRole('heading', { name: /^reviews/, level: 2 })).toBeVisible();
    await app.close();
  });
});
