import { expect, type Page, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

// The release wizard on the demo's Gateway API namespace: search in storefront, a new version v2
// made of its Deployment and its own Service, listed on the HTTPRoute at 0 once its endpoints are
// ready (the timeline says so), then aborted: all traffic back on search-v1.

const url = startFreshWebAppPerFile();

async function openSearch(page: Page) {
  await page.goto(url());
  const cluster = page.getByRole('combobox', { name: 'Cluster' });
  await cluster.fill('Demo mesh');
  await page.getByRole('option', { name: /^Demo mesh/ }).click();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('search');
  await page.getByRole('option', { name: /^search in storefront/ }).click();
  await expect(page.getByRole('heading', { name: /^search/, level: 2 })).toBeVisible();
}

test.describe('the release wizard on an HTTPRoute (demo storefront)', () => {
  test.describe.configure({ timeout: 120_000 });

  test('v2 of search: Deployment and Service created, endpoints ready, at 0 on the route, then aborted', async ({
    page,
  }) => {
    await openSearch(page);
    await page.getByRole('button', { name: 'New grayscale release' }).click();
    const wizard = page.getByRole('region', { name: 'Grayscale release of search' });
    await expect(wizard).toContainText('Its Service (the stable backend Service with the new version label)');
    await wizard.getByRole('combobox', { name: 'Stable version' }).selectOption('search-v1');
    await wizard.getByRole('textbox', { name: 'New version' }).fill('v2');
    await wizard.getByRole('textbox', { name: 'Image' }).fill('registry.example.com/storefront/search:2.1.0');
    await wizard.getByRole('button', { name: 'Create version' }).click();

    await expect(wizard.getByRole('region', { name: 'Choose the policy' })).toBeVisible({ timeout: 30_000 });
    await expect(wizard.getByRole('list', { name: 'Release timeline' })).toContainText(
      'Service search-v2 created, endpoints ready',
    );
    await expect(page.getByRole('article', { name: 'Version search-v2' })).toBeVisible();
    await expect(page.getByRole('article', { name: 'Version search-v1' })).toContainText('100%');

    await wizard.getByRole('button', { name: 'Abort release' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Abort the release of search-v2?' });
    await confirm.getByRole('button', { name: 'Abort release' }).click();
    await expect(wizard.getByRole('status')).toContainText('The release of search-v2 was aborted');
    await expect(page.getByRole('article', { name: 'Version search-v2' })).toHaveCount(0, {
      timeout: 15_000,
    });
  });
});
