import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

const url = startFreshWebAppPerFile();

test.describe('the first screen in browser mode', () => {
  test('shows the clusters with the demo mesh connected, and saves a screenshot', async ({ page }) => {
    await page.goto(url());
    await expect(page.getByRole('heading', { name: 'Switchyard', level: 1 })).toBeVisible();
    const clusters = page.getByRole('region', { name: 'Clusters' });
    await expect(clusters).toBeVisible();
    const demo = clusters.getByRole('listitem', { name: 'Demo mesh' });
    // The demo mesh starts with the app and the session syncs it first: on a loaded machine (a CI
    // run at load 11) that took more than the default 10 s.
    await expect(demo).toContainText('Connected', { timeout: 30_000 });
    await expect(page.getByText(/web mode/)).toBeVisible();
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/first-screen.png' });
  });

  test('a page without the token is refused', async ({ page }) => {
    const bare = new URL(url());
    bare.search = '';
    const response = await page.goto(bare.toString());
    expect(response?.status()).toBe(401);
    await expect(page.getByText(/needs the token/)).toBeVisible();
  });
});
