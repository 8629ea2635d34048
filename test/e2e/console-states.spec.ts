import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { patchBehindTheAppsBack } from './behind-the-apps-back.ts';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

const url = startFreshWebAppPerFile();

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png` });
};

test.describe('console states on the demo mesh', () => {
  test('a change made behind the app’s back while the operator edits shows as a conflict with both sides', async ({
    page,
  }) => {
    await page.goto(url());
    const kubeconfig = await page
      .getByRole('textbox', { name: 'Kubeconfig of Demo mesh', exact: true })
      .inputValue();
    if (!kubeconfig) throw new Error('the demo kubeconfig path is not shown');
    await page.getByRole('searchbox', { name: 'Search services' }).fill('payment');
    await page.getByRole('option', { name: 'payment in shop' }).click();
    const slider = page.getByRole('slider', { name: 'Weight of v1' });
    await expect(slider).toHaveAttribute('aria-valuenow', '90');
    await slider.focus();
    await page.keyboard.press('PageDown');
    await expect(page.getByRole('status').filter({ hasText: 'Unapplied changes' })).toBeVisible();

    // Someone else changes the route object with direct API calls: first a label, then the weights.
    const status = await patchBehindTheAppsBack(
      kubeconfig.trim(),
      '/apis/networking.istio.io/v1/namespaces/shop/virtualservices/payment',
      [{ op: 'add', path: '/metadata/labels', value: { 'changed-by': 'someone-else' } }],
    );
    expect(status).toBe(200);
    const view = page.getByRole('region', { name: /^payment/ });
    await expect(view).toBeVisible();
    // A label change is not a conflict; a weight change is.
    await expect(page.getByRole('alert', { name: 'Conflict' })).toHaveCount(0);
    const weights = await page
      .getByRole('slider')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(weights.length).toBeGreaterThan(0);
    const routeStatus = await patchBehindTheAppsBack(
      kubeconfig.trim(),
      '/apis/networking.istio.io/v1/namespaces/shop/virtualservices/payment',
      [
        { op: 'replace', path: '/spec/http/1/route/0/weight', value: 50 },
        { op: 'replace', path: '/spec/http/1/route/1/weight', value: 50 },
      ],
    );
    expect(routeStatus).toBe(200);
    const conflict = page.getByRole('alert', { name: 'Conflict' });
    await expect(conflict).toBeVisible();
    await expect(conflict.getByRole('heading', { name: 'Yours (unapplied)' })).toBeVisible();
    await expect(conflict.getByRole('heading', { name: 'Theirs (in the cluster now)' })).toBeVisible();
    await expect(conflict).toContainText('v2 50%');
    await shot(page, 'console-conflict');
    await conflict.getByRole('button', { name: 'Take theirs' }).click();
    await expect(page.getByRole('slider', { name: 'Weight of v2' })).toHaveAttribute('aria-valuenow', '50');
  });

  test('the read-only viewer context shows disabled controls and why', async ({ page }) => {
    await page.goto(url());
    const cluster = page.getByRole('combobox', { name: 'Cluster' });
    await cluster.fill('viewer');
    await page.getByRole('option', { name: /^Demo viewer/ }).click();
    await expect(page.getByRole('note').filter({ hasText: 'is read-only' })).toBeVisible();
    await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
    await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
    const why = page.getByRole('note', { name: 'Read-only' });
    await expect(why).toContainText('read-only session');
    await expect(page.getByRole('slider').first()).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Review changes' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Add rule' })).toBeDisabled();
    await shot(page, 'console-read-only');
  });

  test('a user limited to one namespace sees that namespace, and why', async ({ page }) => {
    await page.goto(url());
    const cluster = page.getByRole('combobox', { name: 'Cluster' });
    await cluster.fill('team');
    await page.getByRole('option', { name: /^Demo team/ }).click();
    const scope = page.getByRole('status', { name: 'Watched namespaces' });
    await expect(scope).toContainText('Watching namespaces shop.');
    await expect(scope).toContainText('cluster-wide listing is forbidden');
    await expect(page.getByRole('option', { name: 'payment in shop' })).toBeVisible();
    await expect(page.getByRole('option', { name: 'reviews in bookinfo' })).toHaveCount(0);
    await shot(page, 'console-namespace-fallback');
  });

  test('the keyboard help sheet opens with ? and closes with Escape', async ({ page }) => {
    await page.goto(url());
    await expect(page.getByRole('combobox', { name: 'Cluster' })).toBeVisible();
    await page.locator('body').press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(sheet).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(sheet).toHaveCount(0);
  });
});
