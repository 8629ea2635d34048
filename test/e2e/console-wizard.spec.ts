import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

const url = startFreshWebAppPerFile();

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: true });
};

async function openReviews(page: Page) {
  await page.goto(url());
  // Other specs may have left the read-only viewer as the most recent context.
  const cluster = page.getByRole('combobox', { name: 'Cluster' });
  await cluster.fill('Demo mesh');
  await page.getByRole('option', { name: /^Demo mesh/ }).click();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await expect(page.getByRole('heading', { name: /^reviews/, level: 2 })).toBeVisible();
}

async function reviewAndApply(page: Page, expectInDiff?: string) {
  const dialog = page.getByRole('dialog', { name: 'Review changes' });
  await expect(dialog.getByText('dry-run passed').first()).toBeVisible();
  if (expectInDiff)
    await expect(dialog.getByRole('figure', { name: /Diff of VirtualService reviews/ })).toContainText(
      expectInDiff,
    );
  return dialog;
}

test.describe('the release wizard on the demo mesh', () => {
  test.describe.configure({ timeout: 120_000 });

  test('a whole grayscale release of reviews: v4 from v3, 10% and two rules, review, apply, cut over, finalize', async ({
    page,
  }) => {
    await openReviews(page);
    await page.getByRole('button', { name: 'New grayscale release' }).click();
    const wizard = page.getByRole('region', { name: 'Grayscale release of reviews' });
    await expect(wizard.getByRole('region', { name: 'Create the version' })).toBeVisible();
    await wizard.getByRole('combobox', { name: 'Stable version' }).selectOption('v3');
    await wizard.getByRole('textbox', { name: 'New version' }).fill('v4');
    await wizard
      .getByRole('textbox', { name: 'Image' })
      .fill('docker.io/istio/examples-bookinfo-reviews-v3:1.21.0');
    await wizard.getByRole('spinbutton', { name: 'Replicas' }).fill('2');
    await shot(page, 'wizard-1-create');
    await wizard.getByRole('button', { name: 'Create version' }).click();

    // The rollout: a progress bar fed by the Deployment's status, until both pods are ready.
    const rollout = wizard.getByRole('progressbar', { name: 'Rollout progress of v4' });
    await expect(rollout).toBeVisible();
    await expect(rollout).toHaveAttribute('aria-valuemax', '2');
    await shot(page, 'wizard-2-rollout');
    await expect(wizard.getByRole('region', { name: 'Choose the policy' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('article', { name: 'Version v4' })).toBeVisible();

    // The policy: all on v3 first, then 10% to v4 with the keyboard on its slider.
    await wizard.getByRole('spinbutton', { name: 'Exact weight of v3' }).fill('100');
    await wizard.getByRole('spinbutton', { name: 'Exact weight of v3' }).press('Enter');
    const v4 = wizard.getByRole('slider', { name: 'Weight of v4' });
    await v4.focus();
    await page.keyboard.press('PageUp');
    await expect(v4).toHaveAttribute('aria-valuenow', '10');
    await expect(wizard.getByRole('slider', { name: 'Weight of v3' })).toHaveAttribute('aria-valuenow', '90');

    await wizard.getByRole('button', { name: 'Add rule' }).click();
    const header = wizard.getByRole('group', { name: /^Rule \d+/ }).last();
    await header.getByRole('combobox', { name: 'Target version' }).selectOption('v4');
    await header.getByRole('textbox', { name: 'Name' }).fill('x-canary');
    await header.getByRole('textbox', { name: 'Value' }).fill('always');
    await wizard.getByRole('button', { name: 'Add rule' }).click();
    const android = wizard.getByRole('group', { name: /^Rule \d+/ }).last();
    await android.getByRole('combobox', { name: 'Target version' }).selectOption('v4');
    await android.getByRole('combobox', { name: 'Condition kind' }).selectOption('os');
    await android.getByRole('combobox', { name: 'Operating system' }).selectOption('android');

    // The live preview: the Android rule catches a real share of the demo population.
    const share = android.getByText(/catches \d+\.\d% of sample traffic/);
    await expect(share).toBeVisible();
    // The chip shows the previous preview until the debounced one for the Android rule lands.
    const percent = async () => Number((await share.textContent())?.match(/(\d+\.\d)%/)?.[1]);
    await expect.poll(percent).toBeGreaterThan(20);
    expect(await percent()).toBeLessThan(60);
    await expect(wizard.getByRole('list', { name: 'Sample traffic by version' })).toContainText('v4');
    await shot(page, 'wizard-3-policy');

    await wizard.getByRole('button', { name: 'Review changes' }).click();
    const dialog = await reviewAndApply(page, 'weight: 10');
    await shot(page, 'wizard-4-review');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect(dialog.getByText(/Applied and confirmed by the cluster/)).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Observe: the split as the cluster reports it.
    await expect(wizard.getByRole('region', { name: 'Observe' })).toBeVisible();
    await expect(wizard.getByRole('status', { name: 'Split in the cluster' })).toContainText(
      'v3 90%, v4 10%',
    );
    await expect(wizard.getByRole('status', { name: 'Split in the cluster' })).toContainText(
      '2 content rule(s) send requests to v4',
    );
    await expect(page.getByRole('article', { name: 'Version v4' })).toContainText('10%');
    // Observe compares the version being released with the stable one it replaces (not v1 or v2).
    const health = wizard.getByRole('region', { name: 'Health of v4 against v3' });
    await expect(health).toContainText('v4 (new) against v3 (stable)');
    await expect(health.getByRole('status')).toBeVisible({ timeout: 30_000 });
    await shot(page, 'wizard-5-observe');

    // Promote: the verdict first; v4 has too little traffic to judge, so it takes an explicit override.
    await wizard.getByRole('button', { name: 'Next: promote' }).click();
    const promote = wizard.getByRole('button', { name: 'Promote v4' });
    await expect(wizard.getByRole('region', { name: 'Health of v4 against v3' })).toContainText(
      'Not enough traffic yet',
      { timeout: 30_000 },
    );
    await expect(promote).toBeDisabled();
    await wizard.getByRole('checkbox', { name: /Promote v4 anyway/ }).check();
    await expect(wizard.getByRole('radio', { name: /^Disable them/ })).toBeChecked();
    await promote.click();
    const confirm = page.getByRole('alertdialog', { name: 'Promote v4?' });
    await expect(confirm).toContainText('not known to be healthy');
    await confirm.getByRole('button', { name: 'Promote v4' }).click();
    await expect(wizard.getByRole('region', { name: 'Finalize' })).toBeVisible();
    await expect(wizard.getByRole('slider')).toHaveCount(0);
    await expect(page.getByRole('article', { name: 'Version v4' })).toContainText('100%');
    // The promote reached History as it happened.
    const history = page.getByRole('region', { name: 'History of reviews' });
    await expect(history).toContainText('promote v4');

    // Finalize: rules still sending requests to v3 move to v4 first (reviewed like any change).
    const pinned = wizard.getByRole('note', { name: 'Rules of the old version' });
    if (await pinned.isVisible()) {
      await pinned.getByRole('button', { name: 'Move rules of v3 to v4' }).click();
      const move = await reviewAndApply(page);
      await move.getByRole('button', { name: 'Apply' }).click();
      await expect(move.getByText(/Applied and confirmed by the cluster/)).toBeVisible();
      await move.getByRole('button', { name: 'Close' }).click();
      await expect(pinned).toBeHidden();
    }
    await shot(page, 'wizard-6-finalize');
    await wizard.getByRole('radio', { name: /Scale v3 to zero/ }).check();
    // Finalize goes through the same review (diff, dry-run) as every change; nothing happens before Apply.
    await wizard.getByRole('button', { name: 'Review finalize' }).click();
    const review = page.getByRole('dialog', { name: 'Review changes' });
    await expect(review.getByText('dry-run passed').first()).toBeVisible();
    await expect(review.getByRole('listitem', { name: /scale Deployment reviews-v3 to 0/ })).toBeVisible();
    await expect(wizard.getByRole('region', { name: 'Finalize' })).toBeVisible();
    await review.getByRole('button', { name: 'Apply' }).click();
    await expect(review.getByText(/Applied and confirmed by the cluster/)).toBeVisible();
    await review.getByRole('button', { name: 'Close' }).click();
    await expect(wizard.getByRole('status').filter({ hasText: 'v4 is released' })).toContainText(
      'it takes all traffic',
    );
    await expect(history).toContainText('finalize v4');
    await expect(page.getByRole('article', { name: 'Version v4' })).toContainText('100%');
    await shot(page, 'wizard-7-done');
    await wizard.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByRole('button', { name: 'New grayscale release' })).toBeVisible();
  });

  test('a release can be aborted from its policy step, sending all traffic back', async ({ page }) => {
    await openReviews(page);
    await page.getByRole('button', { name: 'New grayscale release' }).click();
    const wizard = page.getByRole('region', { name: 'Grayscale release of reviews' });
    await wizard.getByRole('combobox', { name: 'Stable version' }).selectOption('v4');
    await wizard.getByRole('textbox', { name: 'New version' }).fill('v5');
    await wizard.getByRole('button', { name: 'Create version' }).click();
    await expect(wizard.getByRole('region', { name: 'Choose the policy' })).toBeVisible({ timeout: 30_000 });
    await wizard.getByRole('button', { name: 'Abort release' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Abort the release of v5?' });
    await expect(confirm).toContainText('All traffic goes back to v4');
    await confirm.getByRole('button', { name: 'Abort release' }).click();
    await expect(wizard.getByRole('status')).toContainText('The release of v5 was aborted');
    await expect(page.getByRole('region', { name: 'History of reviews' })).toContainText('v5');
    await expect(page.getByRole('article', { name: 'Version v4' })).toContainText('100%');
    await shot(page, 'wizard-aborted');
  });

  test('the live preview routes an imported JSONL sample and names the bad line of a broken one', async ({
    page,
  }) => {
    await openReviews(page);
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('group', { name: /^Rule \d+/ }).last();
    await rule.getByRole('textbox', { name: 'Name' }).fill('x-beta');
    await rule.getByRole('textbox', { name: 'Value' }).fill('yes');
    const input = page.getByLabel('Import sample traffic (JSONL)');
    const jsonl = ['{"headers":{"x-beta":"yes"}}', '{"headers":{"x-beta":"no"}}', '{"path":"/"}', '{}'].join(
      '\n',
    );
    await input.setInputFiles({ name: 'sample.jsonl', mimeType: 'text/plain', buffer: Buffer.from(jsonl) });
    await expect(page.getByRole('region', { name: 'Live preview' })).toContainText(
      'sample.jsonl · 4 requests',
    );
    await expect(rule).toContainText('catches 25.0% of sample traffic');
    await shot(page, 'console-preview-jsonl');
    await input.setInputFiles({
      name: 'broken.jsonl',
      mimeType: 'text/plain',
      buffer: Buffer.from('{"path":"/"}\n{"headers": nope}\n'),
    });
    await expect(page.getByRole('alert').filter({ hasText: 'Preview failed' })).toContainText('line 2');
    await page.getByRole('button', { name: 'Use the demo population' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Preview failed' })).toBeHidden();
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });
});
