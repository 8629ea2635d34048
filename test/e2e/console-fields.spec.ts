import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { patchBehindTheAppsBack } from './behind-the-apps-back.ts';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

// Errors at the field, history that reads as actions, and sliders that respect whether a version
// can take traffic — on reviews of the demo mesh (v1 80%, v2 10%, v3 10%; two content rules).

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

test.describe('fields, history and routability on the demo mesh', () => {
  test('a bad regex is explained under its field while typing, and the message goes once fixed', async ({
    page,
  }) => {
    await openReviews(page);
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('group', { name: /^Rule \d+$/ }).last();
    const number = (await rule.getAttribute('aria-label'))?.replace('Rule ', '');
    await rule.getByRole('combobox', { name: 'Match' }).selectOption('regex');
    const value = rule.getByRole('textbox', { name: 'Value' });
    await value.fill('beta(');
    await expect(value).toHaveAccessibleDescription(/^Value: Not a valid RE2 pattern: missing \)/, {
      timeout: 15_000,
    });
    await expect(rule.getByText(/^Value: Not a valid RE2 pattern/)).toBeVisible();
    await expect(value).toHaveAttribute('aria-invalid', 'true');
    const preview = page.getByRole('region', { name: 'Live preview' });
    await expect(preview).toContainText(`No preview until every rule can compile. Rule ${number}:`);
    await expect(rule).not.toContainText('of sample traffic');
    const reviewButton = page.getByRole('button', { name: 'Review changes' });
    await expect(reviewButton).toBeDisabled();
    await expect(reviewButton).toHaveAccessibleDescription(
      /^Fix the marked field first\. Rule \d+: Not a valid RE2/,
    );
    await expect(page.getByText(/rules\.\d+\.conditions/)).toHaveCount(0);
    await shot(page, 'rules-field-error');

    await value.fill('beta(1)?');
    await expect(rule.getByText(/Not a valid RE2 pattern/)).toHaveCount(0, { timeout: 15_000 });
    await expect(value).not.toHaveAttribute('aria-invalid', 'true');
    await expect(preview).not.toContainText('No preview until');
    await expect(rule).toContainText('of sample traffic', { timeout: 15_000 });
    await expect(reviewButton).toBeEnabled();

    const name = rule.getByRole('textbox', { name: 'Name' });
    await name.fill('');
    await expect(name).toHaveAccessibleDescription(
      'Name: The header name is empty: type the name to match on.',
    );
    await name.fill('x-beta');
    await expect(name).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  test('the history reads as actions, and an undone change says why it cannot be undone again', async ({
    page,
  }) => {
    await openReviews(page);
    await page.getByRole('button', { name: 'Switch all traffic to v3' }).click();
    await page
      .getByRole('alertdialog', { name: 'Switch all traffic to v3?' })
      .getByRole('button', { name: 'Switch to v3' })
      .click();
    const review = page.getByRole('dialog', { name: 'Review changes' });
    await expect(review.getByText(/Applied and confirmed/)).toBeVisible({ timeout: 30_000 });
    await review.getByRole('button', { name: 'Close' }).click();

    const history = page.getByRole('region', { name: 'History of reviews' });
    // The switch also disabled the rules that sent requests elsewhere; the entry names them after.
    const cutOver = history.getByRole('listitem', {
      name: /^v3 10% → 100% \(switch all traffic\); disabled rule 'jason-on-v2'/,
    });
    await expect(cutOver).toBeVisible();
    await cutOver.getByRole('button', { name: 'Undo' }).click();
    const undo = page.getByRole('dialog', { name: 'Review changes' });
    await expect(undo).toContainText('Undo “v3 10% → 100% (switch all traffic); disabled rule');
    await undo.getByRole('button', { name: 'Apply' }).click();
    await expect(undo.getByText(/Applied and confirmed/)).toBeVisible({ timeout: 30_000 });
    await undo.getByRole('button', { name: 'Close' }).click();

    await expect(
      history.getByRole('listitem', {
        name: /^Undid “v3 10% → 100% \(switch all traffic\); disabled rule .*”: /,
      }),
    ).toBeVisible();
    const undoAgain = cutOver.getByRole('button', { name: 'Undo' });
    await expect(undoAgain).toBeDisabled({ timeout: 15_000 });
    await expect(undoAgain).toHaveAccessibleDescription(/^Already undone on .+ by /);
    await expect(page.getByRole('slider', { name: 'Weight of v1' })).toHaveAttribute('aria-valuenow', '80');
    await shot(page, 'history-actions');
  });

  test('a version scaled to zero shows 0/0 and its slider can only give its weight away', async ({
    page,
  }) => {
    await page.goto(url());
    const kubeconfig = await page
      .getByRole('textbox', { name: 'Kubeconfig of Demo mesh', exact: true })
      .inputValue();
    if (!kubeconfig) throw new Error('the demo kubeconfig path is not shown');
    await openReviews(page);
    const card = page.getByRole('article', { name: 'Version v2' });
    await expect(card).toContainText(/Pods ready\s*1\/1/);
    const status = await patchBehindTheAppsBack(
      kubeconfig.trim(),
      '/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v2',
      [{ op: 'replace', path: '/spec/replicas', value: 0 }],
    );
    expect(status).toBe(200);
    await expect(card).toContainText(/Pods ready\s*0\/0/, { timeout: 30_000 });

    const v2 = page.getByRole('slider', { name: 'Weight of v2' });
    await expect(v2).toHaveAccessibleDescription(
      'v2 cannot take traffic: no pods are running; it still holds 10%, which can only go down.',
    );
    await v2.focus();
    await page.keyboard.press('PageUp');
    await expect(v2).toHaveAttribute('aria-valuenow', '10');
    await expect(page.getByRole('region', { name: 'Traffic split' })).toContainText(
      'its weight can only go down',
    );
    await page.keyboard.press('PageDown');
    await expect(v2).toHaveAttribute('aria-valuenow', '0');
    await expect(v2).toBeDisabled();
    await expect(v2).toHaveAccessibleDescription('v2 cannot take traffic: no pods are running.');
    await expect(page.getByRole('spinbutton', { name: 'Exact weight of v2' })).toBeDisabled();
    // Others move without handing anything back to v2.
    await page.getByRole('spinbutton', { name: 'Exact weight of v1' }).fill('50');
    await page.getByRole('spinbutton', { name: 'Exact weight of v1' }).press('Enter');
    await expect(page.getByRole('slider', { name: 'Weight of v1' })).toHaveAttribute('aria-valuenow', '50');
    await expect(page.getByRole('slider', { name: 'Weight of v3' })).toHaveAttribute('aria-valuenow', '50');
    await expect(v2).toHaveAttribute('aria-valuenow', '0');
    await page.getByText('How the other weights move').click();
    await expect(page.getByText(/never receives weight/)).toBeVisible();
    await shot(page, 'split-unroutable-version');
  });
});
