// Issue 16's mirror step in the browser: a plan that starts with a shadow test (copies of half of
// payment's traffic to the new version at 0% weight), its gates judged on the mirrored requests,
// then the new version takes all traffic.

import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

const url = startFreshWebAppPerFile();

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: true });
};

test('a release plan with a mirror step shadows the new version, shows its mirrored gates, then completes', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(url());
  await page.getByRole('searchbox', { name: 'Search services' }).fill('payment');
  await page.getByRole('option', { name: 'payment in shop' }).click();
  await expect(page.getByRole('heading', { name: /^payment/, level: 2 })).toBeVisible();

  await page.getByRole('button', { name: 'New grayscale release' }).click();
  const wizard = page.getByRole('region', { name: 'Grayscale release of payment' });
  await wizard.getByRole('combobox', { name: 'Stable version' }).selectOption('v1');
  await wizard.getByRole('textbox', { name: 'New version' }).fill('v3');
  // v3 runs v2's image: in the demo it behaves as the healthy v2.
  await wizard.getByRole('textbox', { name: 'Image' }).fill('ghcr.io/switchyard-demo/shop-payment:5.1.0');
  await wizard.getByRole('spinbutton', { name: 'Replicas' }).fill('1');
  await wizard.getByRole('button', { name: 'Create version' }).click();
  await expect(wizard.getByRole('region', { name: 'Choose the policy' })).toBeVisible({ timeout: 60_000 });
  await wizard.getByRole('button', { name: 'Next: observe' }).click();

  const editor = wizard.getByRole('region', { name: 'New release plan' });
  await expect(editor).toBeVisible();
  // A mirror step first, then only 100%: remove the default 1%, 5%, 25% and 50% steps.
  await editor.getByRole('button', { name: 'Add a mirror step' }).click();
  await expect(editor.getByRole('button', { name: 'Add a mirror step' })).toBeDisabled();
  for (let i = 0; i < 4; i++) await editor.getByRole('button', { name: 'Remove step 2' }).click();
  const set = async (name: string, value: string) => editor.getByRole('spinbutton', { name }).fill(value);
  await set('Mirror share of step 1 (%)', '50');
  await set('Hold of step 1 (s)', '6');
  await set('Requests needed at step 1', '10');
  await set('Success-rate drop allowed at step 1 (points)', '100');
  await set('p95 ratio allowed at step 1 (×)', '100');
  await expect(editor.getByRole('spinbutton', { name: 'Weight of step 2 (%)' })).toHaveValue('100');
  await editor.getByRole('button', { name: 'Start release plan' }).click();

  const plan = wizard.getByRole('region', { name: 'Release plan' });
  const timeline = plan.getByRole('list', { name: 'Release plan timeline' });
  await expect(timeline.getByRole('listitem').first()).toContainText(
    "Mirror 50% of v1's traffic to v3, hold 0:06",
  );
  await expect(plan.getByRole('timer', { name: 'Hold of step 1' })).toBeVisible({ timeout: 30_000 });
  await shot(page, 'release-plan-mirror-1-holding');

  const gates = plan.getByRole('table', { name: 'Gates of step 1' });
  await expect(gates).toBeVisible({ timeout: 90_000 });
  await expect(gates).toContainText("v3's mirrored requests");
  await expect(plan.getByRole('status').filter({ hasText: 'v3 takes all traffic.' })).toBeVisible({
    timeout: 90_000,
  });
  await expect(timeline.getByRole('listitem').first()).toContainText('✓');
  await shot(page, 'release-plan-mirror-2-completed');
});
