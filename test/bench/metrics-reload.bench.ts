// Browser mode, live metrics: time from a page reload to the first fresh metrics point on screen
// (the service reselected after the reload, as an operator does), on the demo mesh. Issue 18: a
// reload used to inherit a shared "hidden" flag and never got a point again.
// Run: npx tsx test/bench/metrics-reload.bench.ts (after `npm run build`). Prints JSON.
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs, debianChromium } from '../e2e/chromium.ts';
import { startWebApp } from '../e2e/web-app.ts';

const root = resolve(import.meta.dirname, '../..');
const runs = Number(process.env.BENCH_RUNS ?? 5);

async function showReviews(page: Page) {
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await page
    .getByRole('region', { name: 'Live traffic' })
    .getByText(/last point at \d\d:\d\d:\d\d/)
    .waitFor({ timeout: 60_000 });
}

const load = { before: loadavg()[0] };
const app = await startWebApp({ root });
const browser = await chromium.launch({
  ...(debianChromium ? { executablePath: debianChromium } : {}),
  args: chromiumArgs,
});
const samples: number[] = [];
try {
  const page = await browser.newPage();
  await page.goto(app.url);
  // The first time waits for Prometheus's first scrapes; that is not what is measured.
  await showReviews(page);
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await page.reload();
    await showReviews(page);
    samples.push(performance.now() - started);
  }
} finally {
  await browser.close();
  await app.stop();
}
samples.sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      bench: 'metrics-reload',
      what: 'page reload to the first fresh metrics point shown (ms), reselecting the service included',
      runs,
      medianMs: Math.round(samples[Math.floor(samples.length / 2)] ?? 0),
      maxMs: Math.round(samples[samples.length - 1] ?? 0),
      samplesMs: samples.map(Math.round),
      machine: { cpus: cpus().length, loadavg1mBefore: load.before, loadavg1mAfter: loadavg()[0] },
    },
    null,
    2,
  ),
);
