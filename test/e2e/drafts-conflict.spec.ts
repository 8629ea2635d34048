// A draft whose weights someone else changed in the cluster meanwhile: the three-way view stops on
// the overlap with base, draft and live side by side, and applies only once the operator settles it.

import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { patchBehindTheAppsBack } from './behind-the-apps-back.ts';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

const url = startFreshWebAppPerFile();

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png` });
};

test('a draft that overlaps a live change is stopped, shows both sides, and applies once resolved', async ({
  page,
}) => {
  await page.goto(url());
  const kubeconfig = (
    await page.getByRole('textbox', { name: 'Kubeconfig of Demo mesh', exact: true }).inputValue()
  ).trim();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('payment');
  await page.getByRole('option', { name: 'payment in shop' }).click();
  await expect(page.getByRole('slider', { name: 'Weight of v1' })).toHaveAttribute('aria-valuenow', '90');

  await page.getByRole('button', { name: 'Draft a change' }).click();
  await expect(page.getByRole('note', { name: 'Draft mode' })).toBeVisible();
  await page.getByRole('spinbutton', { name: 'Exact weight of v1' }).fill('30');
  await page.getByRole('spinbutton', { name: 'Exact weight of v1' }).press('Enter');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toHaveCount(0);

  // Someone else moves the same weights in the cluster.
  const status = await patchBehindTheAppsBack(
    kubeconfig,
    '/apis/networking.istio.io/v1/namespaces/shop/virtualservices/payment',
    [
      { op: 'replace', path: '/spec/http/1/route/0/weight', value: 50 },
      { op: 'replace', path: '/spec/http/1/route/1/weight', value: 50 },
    ],
  );
  expect(status).toBe(200);

  await page.getByRole('button', { name: 'Compare with cluster' }).click();
  const threeWay = page.getByRole('region', { name: 'Three-way comparison' });
  await expect(threeWay).toContainText('conflict');
  const choices = threeWay.getByRole('radiogroup');
  await expect(choices.first()).toBeVisible();
  const overlaps = await choices.count();
  expect(overlaps).toBeGreaterThan(0);
  // Base, draft and live values of the first overlap: 90 drafted to 30, 50 live.
  await expect(threeWay.getByRole('figure', { name: 'Base' }).first()).toHaveText('90');
  await expect(threeWay.getByRole('figure', { name: 'Draft' }).first()).toHaveText('30');
  await expect(threeWay.getByRole('figure', { name: 'Live' }).first()).toHaveText('50');
  const apply = threeWay.getByRole('button', { name: 'Apply draft' });
  await expect(apply).toBeDisabled();
  await shot(page, 'drafts-conflict');

  for (let i = 0; i < overlaps; i++) await choices.nth(i).getByRole('radio', { name: 'Keep draft' }).check();
  await expect(apply).toBeEnabled();
  await apply.click();
  const review = page.getByRole('dialog', { name: 'Review changes' });
  await expect(review.getByText('dry-run passed').first()).toBeVisible();
  await review.getByRole('button', { name: 'Apply' }).click();
  await expect(review.getByText(/Applied and confirmed by the cluster/)).toBeVisible({ timeout: 20_000 });
  await review.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: 'Close draft' }).click();
  await expect(page.getByRole('slider', { name: 'Weight of v1' })).toHaveAttribute('aria-valuenow', '30');
  await expect(page.getByRole('slider', { name: 'Weight of v2' })).toHaveAttribute('aria-valuenow', '70');
});
