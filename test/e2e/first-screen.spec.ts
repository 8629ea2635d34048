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

  test('the page opens one socket and asks the first screen’s questions on it before the app runs', async ({
    page,
  }) => {
    // renderer/public/socket-boot.js asks them; the app then takes that socket and its answers.
    const sockets: string[] = [];
    const sent: Array<{ id: number; channel: string }> = [];
    page.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framesent', (f) => {
        const frame = JSON.parse(String(f.payload)) as { id: number; channel: string };
        sent.push({ id: frame.id, channel: frame.channel });
      });
    });
    await page.goto(url());
    await expect(
      page.getByRole('region', { name: 'Clusters' }).getByRole('listitem', { name: 'Demo mesh' }),
    ).toBeVisible();
    expect(sockets).toHaveLength(1);
    expect(sent.slice(0, 4)).toEqual([
      { id: 1, channel: 'app.info' },
      { id: 2, channel: 'contexts.list' },
      { id: 3, channel: 'demo.status' },
      { id: 4, channel: 'drafts.list' },
    ]);
    // The app asked none of them again: its own calls start after the boot socket's.
    expect(sent.slice(4).filter((c) => c.id <= 4)).toEqual([]);
    expect(sent.slice(4).map((c) => c.channel)).not.toContain('app.info');
  });

  test('a page without the token is refused', async ({ page }) => {
    const bare = new URL(url());
    bare.search = '';
    const response = await page.goto(bare.toString());
    expect(response?.status()).toBe(401);
    await expect(page.getByText(/needs the token/)).toBeVisible();
  });
});
