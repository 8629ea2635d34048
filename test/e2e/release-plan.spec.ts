// Issue 16's e2e: a release plan started from the wizard, its timeline advancing a step as the
// first gates pass, then a gate that fails rolling the route back, with the figures that failed.

import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

// Five times the demo's default visitor rate, so each 6 s hold measures some 400 requests to v4
// rather than 80: the p95 ratio the gates compare is then steady from run to run.
const url = startFreshWebAppPerFile({ SWITCHYARD_DEMO_RPS: '100' });

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: true });
};

test('a release plan advances through a passing step and rolls back at a failing gate, naming its figures', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(url());
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await expect(page.getByRole('heading', { name: /^reviews/, level: 2 })).toBeVisible();

  await page.getByRole('button', { name: 'New grayscale release' }).click();
  const wizard = page.getByRole('region', { name: 'Grayscale release of reviews' });
  await wizard.getByRole('combobox', { name: 'Stable version' }).selectOption('v1');
  await wizard.getByRole('textbox', { name: 'New version' }).fill('v4');
  // v4 runs reviews-v3's image: in the demo it is as slow and as flaky as v3 (v1 is the stable).
  await wizard
    .getByRole('textbox', { name: 'Image' })
    .fill('docker.io/istio/examples-bookinfo-reviews-v3:1.21.0');
  await wizard.getByRole('spinbutton', { name: 'Replicas' }).fill('1');
  await wizard.getByRole('button', { name: 'Create version' }).click();
  await expect(wizard.getByRole('region', { name: 'Choose the policy' })).toBeVisible({ timeout: 60_000 });
  await wizard.getByRole('button', { name: 'Next: observe' }).click();

  const editor = wizard.getByRole('region', { name: 'New release plan' });
  await expect(editor).toBeVisible();
  // 1 → 5 → 25 → 50 → 100 by default; keep three steps: 20% with gates loose enough for v4 to pass,
  // 50% with a p95 gate of at most 1.2× v1's (v3's image, which v4 runs, is about 2× slower), and 100%.
  // The default 1.5× let a short hold pass now and then: one CI run measured v4 at 69 ms against 47 ms
  // (1.47×) over 78 requests, so the failing gate the test is about did not fail.
  await editor.getByRole('button', { name: 'Remove step 2' }).click();
  await editor.getByRole('button', { name: 'Remove step 2' }).click();
  const set = async (name: string, value: string) => editor.getByRole('spinbutton', { name }).fill(value);
  await set('Weight of step 1 (%)', '20');
  for (const step of [1, 2]) {
    await set(`Hold of step ${step} (s)`, '6');
    await set(`Requests needed at step ${step}`, '10');
  }
  await set('Success-rate drop allowed at step 1 (points)', '100');
  await set('p95 ratio allowed at step 1 (×)', '100');
  await set('p95 ratio allowed at step 2 (×)', '1.2');
  await editor.getByRole('button', { name: 'Start release plan' }).click();

  const plan = wizard.getByRole('region', { name: 'Release plan' });
  const timeline = plan.getByRole('list', { name: 'Release plan timeline' });
  await expect(timeline.getByRole('listitem').first()).toContainText('20% to v4');
  await expect(plan.getByRole('timer', { name: 'Hold of step 1' })).toBeVisible({ timeout: 30_000 });
  await shot(page, 'release-plan-1-holding');

  // The first step's gates pass: the timeline moves on to step 2 and its hold.
  await expect(timeline.getByRole('listitem').first()).toContainText('✓', { timeout: 90_000 });
  await expect(timeline.getByRole('listitem').nth(1)).toHaveAttribute('aria-current', 'step');
  await expect(
    plan
      .getByRole('table', { name: 'Gates of step 1' })
      .or(plan.getByRole('table', { name: 'Gates of step 2' })),
  ).toBeVisible();

  // The second step's p95 gate fails: the plan stops, restores the route, and says why with figures.
  const outcome = plan.getByRole('alert');
  await expect(outcome).toContainText('A gate stopped the plan.', { timeout: 90_000 });
  await expect(outcome.getByRole('list', { name: 'Failed gates' })).toContainText(/p95/);
  await expect(outcome).toContainText('The route is back as it was before the plan.');
  await expect(page.getByRole('alert').filter({ hasText: 'reviews: a gate stopped v4' })).toBeVisible();
  await shot(page, 'release-plan-2-failed');
});
