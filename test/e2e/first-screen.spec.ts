import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
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

  test('the cluster list is in the page the server sends: painted before any script runs', async ({
    browser,
  }) => {
    // The server renders the first screen from its first answers into the HTML
    // (main/server/first-screen-page.ts): with scripts off, it is all the page has.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url());
    const clusters = page.getByRole('region', { name: 'Clusters' });
    await expect(clusters.getByRole('listitem', { name: 'Demo mesh' })).toBeVisible();
    await expect(page.getByText(/web mode/)).toBeVisible();
    await expect(page.getByText('Reading your kubeconfig…')).toHaveCount(0);
    await context.close();
  });

  test('the app takes that screen over without a hydration error, and it works', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      // The page has no favicon: the browser's request for one is answered 404.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url());
    const demo = page.getByRole('region', { name: 'Clusters' }).getByRole('listitem', { name: 'Demo mesh' });
    await expect(demo).toBeVisible();
    // The server's list item is the app's: React attached it instead of rendering a new one.
    await expect
      .poll(() => demo.evaluate((li) => Object.keys(li).some((k) => k.startsWith('__reactFiber'))))
      .toBe(true);
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await expect(page.getByRole('dialog', { name: /keyboard shortcuts/i })).toBeVisible();
    expect(errors).toEqual([]);
  });

  /** Holds the page's scripts until the returned release is called: the first screen is painted, React not there yet. */
  async function holdScripts(page: Page): Promise<() => void> {
    let release = () => {};
    const scriptsHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/assets\/[^/]+\.js(\?|$)/, async (route) => {
      await scriptsHeld;
      await route.continue();
    });
    return release;
  }

  test('what is typed in the painted cluster box before the scripts run is kept: the list opens on it', async ({
    page,
  }) => {
    // The page's scripts are held until the operator has typed into the server's markup, as on
    // a slow machine where the first screen is up well before React has taken it over.
    const release = await holdScripts(page);
    await page.goto(url(), { waitUntil: 'commit' });
    const box = page.getByRole('combobox', { name: 'Cluster' });
    // An operator types whatever the page says (a test driver would wait: see the next test).
    await box.fill('Demo', { force: true });
    expect(await box.evaluate((el) => Object.keys(el).some((k) => k.startsWith('__reactFiber')))).toBe(false);
    release();
    await expect(page.getByRole('listbox', { name: 'Clusters to switch to' })).toBeVisible();
    await page.getByRole('option', { name: /^Demo mesh/ }).click();
    await expect(page.getByRole('searchbox', { name: 'Search services' })).toBeVisible({ timeout: 30_000 });
  });

  test('coming back, the first screen is the last cluster; its controls wait for React, and a search filters', async ({
    page,
  }) => {
    // A first visit opens the demo mesh (the app follows it as it starts): it is the most recently
    // used context then. The server's next page is that cluster's screen, not a list of clusters
    // the app would leave at once.
    await page.goto(url());
    await expect(page.getByRole('combobox', { name: 'Cluster' })).toHaveAttribute(
      'placeholder',
      /^Demo mesh · Connected/,
      {
        timeout: 30_000,
      },
    );
    const release = await holdScripts(page);
    await page.goto(url(), { waitUntil: 'commit' });
    const search = page.getByRole('searchbox', { name: 'Search services' });
    await expect(search).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Cluster' })).toHaveAttribute(
      'placeholder',
      /^Demo mesh · /,
    );
    // Until React has the markup, #root says it is busy and disabled: a driver waits, a click or a
    // key would do nothing yet.
    await expect(search).toBeDisabled();
    const typing = search.fill('reviews');
    release();
    await typing;
    await expect(search).toBeEnabled();
    const services = page.getByRole('listbox', { name: 'Service list' }).getByRole('option');
    await expect(services.first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('option', { name: 'reviews in bookinfo' })).toBeVisible();
    expect((await services.allTextContents()).every((name) => name.includes('reviews'))).toBe(true);
    // The place it started on is in the URL, as one the app opened itself would be.
    await expect(page).toHaveURL(/#\/c\/demo$/);
  });

  test('a page without the token is refused', async ({ page }) => {
    const bare = new URL(url());
    bare.search = '';
    const response = await page.goto(bare.toString());
    expect(response?.status()).toBe(401);
    await expect(page.getByText(/needs the token/)).toBeVisible();
  });
});
