import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

const url = startFreshWebAppPerFile();

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: false });
};

async function openReviews(page: Page) {
  await page.goto(url());
  await expect(page.getByRole('combobox', { name: 'Cluster' })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await expect(page.getByRole('heading', { name: /^reviews/, level: 2 })).toBeVisible();
}

test.describe('the operator console on the demo mesh', () => {
  test('the service list and the cluster switcher show the demo mesh connected', async ({ page }) => {
    await page.goto(url());
    await expect(page.getByRole('option', { name: 'reviews in bookinfo' })).toBeVisible();
    await shot(page, 'console-services');
    await page.getByRole('combobox', { name: 'Cluster' }).click();
    await expect(page.getByRole('option', { name: /^Demo mesh: Connected/ })).toBeVisible();
    await expect(page.getByRole('option', { name: /^Demo viewer/ })).toBeVisible();
    await shot(page, 'console-cluster-switcher');
  });

  test('the slider works with the keyboard alone', async ({ page }) => {
    await openReviews(page);
    const slider = page.getByRole('slider', { name: 'Weight of v1' });
    const start = Number(await slider.getAttribute('aria-valuenow'));
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await expect(slider).toHaveAttribute('aria-valuenow', String(Math.max(0, start - 1)));
    await page.keyboard.press('PageDown');
    await expect(slider).toHaveAttribute('aria-valuenow', String(Math.max(0, start - 11)));
    await page.keyboard.press('Home');
    await expect(slider).toHaveAttribute('aria-valuenow', '0');
    await expect(page.getByRole('status').filter({ hasText: 'Unapplied changes' })).toBeVisible();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect(slider).toHaveAttribute('aria-valuenow', String(start));
  });

  test('a canary of reviews: 10% by slider, a header and an Android rule, review, apply, confirm, cut over', async ({
    page,
  }) => {
    await openReviews(page);
    await shot(page, 'console-service-view');
    const v1 = page.getByRole('slider', { name: 'Weight of v1' });
    const v3 = page.getByRole('slider', { name: 'Weight of v3' });
    // Set an exact split: v3 gets 10% with the keyboard, the rest stays with v1.
    await page.getByRole('spinbutton', { name: 'Exact weight of v1' }).fill('100');
    await page.getByRole('spinbutton', { name: 'Exact weight of v1' }).press('Enter');
    await expect(v1).toHaveAttribute('aria-valuenow', '100');
    await v3.focus();
    await page.keyboard.press('PageUp');
    await expect(v3).toHaveAttribute('aria-valuenow', '10');
    await expect(v1).toHaveAttribute('aria-valuenow', '90');

    await page.getByRole('button', { name: 'Add rule' }).click();
    const header = page.getByRole('group', { name: /^Rule \d+$/ }).last();
    await header.getByRole('combobox', { name: 'Target version' }).selectOption('v3');
    await header.getByRole('textbox', { name: 'Name' }).fill('x-canary');
    await header.getByRole('textbox', { name: 'Value' }).fill('always');

    await page.getByRole('button', { name: 'Add rule' }).click();
    const android = page.getByRole('group', { name: /^Rule \d+$/ }).last();
    await android.getByRole('combobox', { name: 'Target version' }).selectOption('v3');
    await android.getByRole('combobox', { name: 'Condition kind' }).selectOption('os');
    await android.getByRole('combobox', { name: 'Operating system' }).selectOption('android');

    await page.getByRole('button', { name: 'Review changes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Review changes' });
    await expect(dialog.getByText('dry-run passed').first()).toBeVisible();
    await expect(dialog.getByRole('figure', { name: /Diff of VirtualService reviews/ })).toContainText(
      'weight: 10',
    );
    await shot(page, 'console-review');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect(dialog.getByText(/Applied and confirmed by the cluster/)).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(
      page.getByRole('status').filter({ hasText: 'Split confirmed by the cluster' }),
    ).toBeVisible();
    await expect(page.getByRole('article', { name: 'Version v3' })).toContainText('10%');
    await expect(
      page.getByRole('status', { name: 'Notification' }).getByRole('button', { name: 'Undo' }),
    ).toBeVisible();

    await page.getByRole('button', { name: 'Switch all traffic to v3' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Switch all traffic to v3?' });
    await expect(confirm).toContainText('v3 goes from 10% to 100%');
    await confirm.getByRole('button', { name: 'Switch to v3' }).click();
    await expect(
      page.getByRole('dialog', { name: 'Review changes' }).getByText(/Applied and confirmed/),
    ).toBeVisible();
    await page.getByRole('dialog', { name: 'Review changes' }).getByRole('button', { name: 'Close' }).click();
    await expect(v3).toHaveAttribute('aria-valuenow', '100');
    await expect(page.getByRole('button', { name: 'Roll back to v1' })).toBeVisible();
    // Rolling back says what it restores before anything is applied.
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    const rollback = page.getByRole('alertdialog', { name: 'Roll back to v1?' });
    await expect(rollback.getByRole('note', { name: 'What this restores' })).toContainText(
      'v1 takes all of reviews',
    );
    await expect(rollback.getByRole('note', { name: 'What this restores' })).toContainText(
      'as before v3 took it over',
    );
    await rollback.getByRole('button', { name: 'Cancel' }).click();
    await expect(rollback).toBeHidden();
    await shot(page, 'console-cut-over');
    const history = page.getByRole('region', { name: 'History of reviews' });
    await expect(history.getByRole('button', { name: 'Undo' }).first()).toBeEnabled();
    await shot(page, 'console-history');
  });
});
