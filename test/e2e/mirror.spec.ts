// Issue 16, part 3 through the UI: mirror 20% of payment's requests to its canary. The review
// shows the `mirrors` entry the plan writes; once applied, the controls read the mirror back from
// the cluster and the canary comparison says its figures include mirrored requests.

import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

const url = startFreshWebAppPerFile();

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: false });
};

test('turning on a 20% mirror to the canary through the policy editor', async ({ page }) => {
  await page.goto(url());
  await page.getByRole('searchbox', { name: 'Search services' }).fill('payment');
  await page.getByRole('option', { name: 'payment in shop' }).click();
  await expect(page.getByRole('heading', { name: /^payment/, level: 2 })).toBeVisible();

  const mirror = page.getByRole('checkbox', { name: 'Mirror traffic' });
  await expect(mirror).not.toBeChecked();
  await mirror.check();
  await expect(page.getByRole('combobox', { name: 'Mirror to version' })).toHaveValue('v2');
  const percent = page.getByRole('spinbutton', { name: 'Mirrored share of requests (%)' });
  await percent.fill('20');
  await expect(percent).toHaveAttribute('aria-valuenow', '20');
  await expect(
    page.getByRole('checkbox', { name: 'Keep each user on their version (sticky)' }),
  ).not.toBeChecked();

  await page.getByRole('button', { name: 'Review changes' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review changes' });
  await expect(dialog.getByText('dry-run passed').first()).toBeVisible();
  await expect(dialog.getByRole('figure', { name: /Diff of VirtualService payment/ })).toContainText(
    'mirrors',
  );
  await shot(page, 'mirror-review');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog.getByText(/Applied and confirmed by the cluster/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Read back from the cluster: the edit is gone, the controls show what the route now has.
  await expect(page.getByRole('button', { name: 'Review changes' })).toBeDisabled();
  await expect(page.getByRole('checkbox', { name: 'Mirror traffic' })).toBeChecked();
  await expect(page.getByRole('spinbutton', { name: 'Mirrored share of requests (%)' })).toHaveValue('20');
  await expect(page.getByRole('note', { name: 'Mirrored requests' })).toContainText(
    "v2's figures include mirrored requests",
    { timeout: 30_000 },
  );
  await shot(page, 'mirror-on');
});
