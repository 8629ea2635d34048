// Issue 16, "content rules past the entry service": on reviews (called only by productpage), the
// console says its header rules depend on productpage forwarding the headers, names the caller from
// the mesh's metrics, and lists the service it calls with the versions found there.

import { expect, test } from '@playwright/test';
import { startFreshWebAppPerFile } from './fresh-web-app.ts';

const url = startFreshWebAppPerFile();

test('reviews’ rules are shown to depend on productpage forwarding their headers', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(url());
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await expect(page.getByRole('heading', { name: /^reviews/, level: 2 })).toBeVisible();

  const reach = page.getByRole('region', { name: 'Where the rules reach' });
  await expect(reach).toBeVisible();
  // The demo's Prometheus needs a scrape or two before a fresh mesh has callers to show.
  await expect
    .poll(
      async () => {
        const note = reach.getByRole('note');
        const text = (await note.count()) ? await note.textContent() : '';
        // Callers and callees come from one answer: reviews calls ratings only from v2 and v3, so
        // a fresh mesh whose first scrapes saw v1's requests alone has callers and no callee yet.
        const calls = reach.getByRole('list', { name: 'Services this one calls' });
        const called = (await calls.count()) ? await calls.textContent() : '';
        if (!text?.includes('not an entry point') || !called?.includes('ratings'))
          await reach
            .getByRole('button', { name: 'Check the callers again' })
            .click()
            .catch(() => {});
        return called?.includes('ratings') ? (text ?? '') : '';
      },
      { timeout: 90_000, intervals: [2000] },
    )
    .toContain('reviews is not an entry point: every request comes from productpage-v1');
  await expect(reach.getByRole('note')).toContainText('forwards the end-user, x-canary headers');
  await expect(reach.getByRole('list', { name: 'Callers' })).toContainText('productpage-v1');
  const calls = reach.getByRole('list', { name: 'Services this one calls' });
  await expect(calls).toContainText('ratings');
  await expect(calls).toContainText("none of the rules' versions runs there");
});
