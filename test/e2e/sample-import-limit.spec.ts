import { expect, type Page, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

// Issue 17: a 3.8 MB sample traffic file used to end `switchyard web` (its frame was over the
// socket's limit). A file within the contract's limit is now previewed; one over it is refused in
// the page before it is read, naming the limit, and the console keeps working.

const url = startFreshWebAppPerFile();

async function openReviews(page: Page) {
  await page.goto(url());
  await page.getByRole('combobox', { name: 'Cluster' }).fill('Demo mesh');
  await page.getByRole('option', { name: /^Demo mesh/ }).click();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await expect(page.getByRole('heading', { name: /^reviews/, level: 2 })).toBeVisible();
}

/** `count` requests of about 127 bytes each, as a JSONL file. */
function sample(count: number): Buffer {
  const line = (i: number) =>
    `${JSON.stringify({ path: `/reviews/${i % 1000}`, headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/124.0 Mobile', 'x-n': String(i % 10) } })}\n`;
  return Buffer.from(Array.from({ length: count }, (_, i) => line(i)).join(''));
}

test('a 3.8 MB sample is previewed, and one over the limit is refused in the page, naming it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openReviews(page);
  const preview = page.getByRole('region', { name: 'Live preview' });
  const input = page.getByLabel('Import sample traffic (JSONL)');

  const medium = sample(31_500);
  expect(medium.length).toBeGreaterThan(3.8e6);
  await input.setInputFiles({ name: 'medium.jsonl', mimeType: 'text/plain', buffer: medium });
  await expect(preview).toContainText('medium.jsonl · 31,500 requests', { timeout: 30_000 });

  const big = Buffer.concat([medium, medium]);
  await input.setInputFiles({ name: 'big.jsonl', mimeType: 'text/plain', buffer: big });
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot preview big.jsonl' })).toHaveText(
    /^Cannot preview big\.jsonl: sample traffic is 7\.\d MiB; a preview takes at most 6 MiB of JSONL\.$/,
  );
  // The earlier sample stays in use, and the server still answers.
  await expect(preview).toContainText('medium.jsonl · 31,500 requests');
  await page.getByRole('button', { name: 'Use the demo population' }).click();
  await expect(preview).toContainText('demo population');
  await expect(preview).not.toContainText('Preview failed');
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot preview' })).toBeHidden();
});
