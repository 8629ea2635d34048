import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { electronCspDirectives, serializeCsp } from '../../main/electron/content-security-policy.ts';
import { chromiumArgs, debianChromium } from './chromium.ts';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

// The desktop app's CSP (main/electron/content-security-policy.ts) forbids inline styles. Electron
// cannot start here, so the same policy is served to browser mode in Chromium, with only the one
// WebSocket browser mode needs added to connect-src, and the UI is driven through the screens that
// style things at run time (React style props, echarts charts and their tooltips).

const url = startFreshWebAppPerFile();
// A page answered through page.route has no known address space, so Chromium's Local Network Access
// checks would block its socket to 127.0.0.1; the real server's page is not affected by this.
test.use({
  launchOptions: {
    ...(debianChromium ? { executablePath: debianChromium } : {}),
    args: [...chromiumArgs, '--disable-features=LocalNetworkAccessChecks'],
  },
});

function desktopPolicyFor(pageUrl: string): string {
  const { port } = new URL(pageUrl);
  return serializeCsp(
    electronCspDirectives.map(([name, sources]) =>
      name === 'connect-src' ? [name, [...sources, `ws://127.0.0.1:${port}`]] : [name, sources],
    ),
  );
}

async function collectViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.slice());
}

test('the desktop CSP (no inline styles, no sockets but its own) holds across the console in Chromium', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const policy = desktopPolicyFor(url());
  const origin = new URL(url()).origin;
  await page.route(
    (u) => u.origin === origin,
    async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: { ...response.headers(), 'content-security-policy': policy },
      });
    },
  );
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = list;
    document.addEventListener('securitypolicyviolation', (e) => {
      const where = e.target instanceof Element ? e.target.outerHTML.slice(0, 120) : '';
      list.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} ${where}`.trim());
    });
  });

  const response = await page.goto(url());
  expect(response?.headers()['content-security-policy']).toBe(policy);
  expect(policy).not.toContain('unsafe-inline');
  await expect(page.getByRole('combobox', { name: 'Cluster' })).toBeVisible({ timeout: 30_000 });

  // The service view: React style props and the echarts charts, then a chart's tooltip.
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  const panel = page.getByRole('region', { name: 'Live traffic' });
  const rps = panel.getByRole('img', { name: /^Requests per second, latest: v1 [\d.]+ req\/s/ });
  await expect(rps).toBeVisible({ timeout: 45_000 });
  const canvas = panel.locator('canvas').first();
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the first chart has no canvas box');
  for (const fraction of [0.5, 0.7, 0.9]) {
    await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
  }
  mkdirSync('test/artifacts', { recursive: true });
  await canvas.screenshot({ path: 'test/artifacts/desktop-csp-chart-tooltip.png' });
  await page.getByRole('button', { name: /^Drafts/ }).click();
  await expect(page.getByRole('region', { name: 'Drafts' })).toBeVisible();

  expect(await collectViolations(page)).toEqual([]);

  // The policy is really enforced here: an inline style attribute from markup is refused.
  const applied = await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.innerHTML = '<span style="color: rgb(255, 0, 0)">probe</span>';
    document.body.append(probe);
    const color = getComputedStyle(probe.firstElementChild as Element).color;
    probe.remove();
    return color;
  });
  expect(applied).not.toBe('rgb(255, 0, 0)');
  await expect
    .poll(() => collectViolations(page))
    .toEqual([expect.stringMatching(/^style-src-attr blocked inline/)]);
});
