import { expect, type Page, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

// Where the operator looks and how they move: the service list by keyboard, the cluster popup,
// the open service kept in the URL, the sliders in view at 1440×900, and a review diff without
// the fields the server writes on its own.

const url = startFreshWebAppPerFile();

test.use({ viewport: { width: 1440, height: 900 } });

const serviceHeading = (page: Page, name: string) =>
  page.getByRole('heading', { name: new RegExp(`^${name}\\b`), level: 2 });

async function ready(page: Page) {
  await page.goto(url());
  await expect(page.getByRole('option', { name: 'reviews in bookinfo' })).toBeVisible({ timeout: 20_000 });
}

test('the service list works by keyboard: Enter in the search opens the first match, arrows move focus and the open service', async ({
  page,
}) => {
  await ready(page);
  const search = page.getByRole('searchbox', { name: 'Search services' });
  await search.fill('ratings');
  await search.press('Enter');
  await expect(serviceHeading(page, 'ratings')).toBeVisible();
  await expect(page.getByRole('option', { name: 'ratings in bookinfo' })).toHaveAttribute(
    'aria-selected',
    'true',
  );

  await search.fill('');
  const options = page.getByRole('listbox', { name: 'Service list' }).getByRole('option');
  const names = (await options.allTextContents()).map((t) => t.split(' in ')[0]?.trim() ?? '');
  expect(names.length).toBeGreaterThan(3);
  const at = names.indexOf('ratings');
  // Down from the search goes to the open service's row; Down again to the next one.
  await search.press('ArrowDown');
  await expect(options.nth(at)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(options.nth(at + 1)).toBeFocused();
  await expect(options.nth(at + 1)).toHaveAttribute('aria-selected', 'true');
  await expect(serviceHeading(page, names[at + 1] ?? '')).toBeVisible();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(options.nth(at - 1)).toBeFocused();
  await expect(serviceHeading(page, names[at - 1] ?? '')).toBeVisible();
  await page.keyboard.press('Home');
  await expect(options.first()).toBeFocused();
  await expect(serviceHeading(page, names[0] ?? '')).toBeVisible();
  await page.keyboard.press('End');
  await expect(options.last()).toBeFocused();
  await expect(serviceHeading(page, names.at(-1) ?? '')).toBeVisible();
});

test('the cluster popup closes when the focus leaves it, and only then', async ({ page }) => {
  // Timers under the test's control: a close scheduled on blur must not fire after the focus came back.
  await page.clock.install();
  await ready(page);
  const combo = page.getByRole('combobox', { name: 'Cluster' });
  const popup = page.getByRole('listbox', { name: 'Clusters to switch to' });
  await combo.click();
  await expect(popup).toBeVisible();
  await expect(page.getByRole('option', { name: /^Demo mesh: Connected/ })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(popup).toBeHidden();
  await expect(combo).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Shift+Tab');
  await expect(combo).toBeFocused();
  await expect(popup).toBeVisible();
  await page.clock.runFor(2000);
  await expect(popup).toBeVisible();
  await combo.fill('viewer');
  await expect(popup.getByRole('option')).toHaveCount(1);
  await page.getByRole('searchbox', { name: 'Search services' }).click();
  await expect(popup).toBeHidden();
  // What was typed goes with the popup: the box shows the open cluster again.
  await expect(combo).toHaveValue('');
});

test('the open service is in the URL: reload and Back keep the place', async ({ page }) => {
  await ready(page);
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await expect(serviceHeading(page, 'reviews')).toBeVisible();
  await expect(page).toHaveURL(/#\/c\/demo\/s\/.*reviews/);
  await page.getByRole('option', { name: 'ratings in bookinfo' }).click();
  await expect(serviceHeading(page, 'ratings')).toBeVisible();
  await expect(page).toHaveURL(/#\/c\/demo\/s\/.*ratings/);

  await page.reload();
  await expect(serviceHeading(page, 'ratings')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('option', { name: 'ratings in bookinfo' })).toHaveAttribute(
    'aria-selected',
    'true',
  );

  await page.goBack();
  await expect(serviceHeading(page, 'reviews')).toBeVisible();
  await expect(page.getByRole('option', { name: 'reviews in bookinfo' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Clusters', level: 2 })).toBeVisible();
  await expect(serviceHeading(page, 'reviews')).toBeHidden();
  await page.goForward();
  await expect(serviceHeading(page, 'reviews')).toBeVisible();

  // A hash naming no context: typed into the open page, it is ignored; loaded afresh, the app
  // starts where it would without it.
  const gone = `${url().replace(/#.*$/, '')}#/c/no-such-context/s/nothing`;
  await page.goto(gone);
  await expect(page).toHaveURL(/#\/c\/demo\/s\/.*reviews/);
  await expect(serviceHeading(page, 'reviews')).toBeVisible();
  await page.goto('about:blank');
  await page.goto(gone);
  await expect(page.getByRole('option', { name: 'reviews in bookinfo' })).toBeVisible({ timeout: 20_000 });
  await expect(page).toHaveURL(/#\/c\/demo$/);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('at 1440×900 the split and its sliders are in view when a service opens, and stay put while dragging', async ({
  page,
}) => {
  await ready(page);
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  const bar = page.getByRole('img', { name: /^Traffic (split|by version)/ });
  const sliders = page.getByRole('slider', { name: /^Weight of / });
  await expect(sliders).toHaveCount(3, { timeout: 20_000 });
  // Let the live metrics load: their text must not push the editor down.
  await expect(page.getByRole('heading', { name: 'Live traffic' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const inView = async () => {
    for (const el of [bar, ...(await sliders.all())]) {
      const box = await el.boundingBox();
      expect(box).not.toBeNull();
      if (!box) return;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(900);
    }
  };
  await inView();

  const v1 = page.getByRole('slider', { name: 'Weight of v1' });
  const last = sliders.last();
  const before = await last.boundingBox();
  const box = await v1.boundingBox();
  if (!before || !box) throw new Error('the sliders have no box');
  const start = Number(await v1.getAttribute('aria-valuenow'));
  const x = box.x + (box.width * start) / 100;
  await page.mouse.move(x, box.y + box.height / 2);
  await page.mouse.down();
  for (const dx of [-20, -60, -120]) {
    await page.mouse.move(x + dx, box.y + box.height / 2);
    await expect(page.getByRole('status').filter({ hasText: 'Unapplied changes' })).toBeVisible();
    expect((await last.boundingBox())?.y).toBe(before.y);
    expect((await v1.boundingBox())?.y).toBe(box.y);
  }
  await page.mouse.up();
  expect(Number(await v1.getAttribute('aria-valuenow'))).toBeLessThan(start);
  await inView();
  await page.getByRole('button', { name: 'Discard changes' }).click();
});

test('the review diff leaves out server-managed fields', async ({ page }) => {
  await ready(page);
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  const v1 = page.getByRole('slider', { name: 'Weight of v1' });
  await v1.focus();
  await page.keyboard.press('PageDown');
  await page.getByRole('button', { name: 'Review changes' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review changes' });
  await expect(dialog.getByText('dry-run passed').first()).toBeVisible({ timeout: 20_000 });
  const diff = dialog.getByRole('figure', { name: /Diff of VirtualService reviews/ });
  await expect(diff).toContainText('weight:');
  const text = (await diff.textContent()) ?? '';
  for (const field of [
    'resourceVersion',
    'generation',
    'uid:',
    'creationTimestamp',
    'managedFields',
    'last-applied-configuration',
    'status:',
  ])
    expect(text, `${field} in the diff`).not.toContain(field);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
});
