// Issue 18's first "done when": "Switch all traffic to v1" on reviews, through the UI, and then the
// mesh itself is asked — the demo's own Prometheus, through its API server's service proxy, not the
// app's figures — whether any request still reaches v2 or v3. Undo must give back the
// VirtualService's spec exactly. Prints how long the old versions kept receiving requests.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { freePort, type StandaloneDemo, startStandaloneDemo } from './standalone-demo.ts';
import { type RunningWebApp, startWebApp } from './web-app.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews';
const PROMETHEUS = '/api/v1/namespaces/istio-system/services/prometheus:9090/proxy';
const OLD = ['v2', 'v3'];

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png` });
};

let demo: StandaloneDemo | undefined;
let app: RunningWebApp | undefined;
const work = mkdtempSync(join(tmpdir(), 'sy-e2e-all-traffic-'));

test.afterAll(async () => {
  await app?.stop();
  await demo?.stop();
});

async function vs(d: StandaloneDemo) {
  const res = await d.request('GET', VS_PATH);
  expect(res.status).toBe(200);
  const o = (await res.json()) as { spec: unknown; metadata: { annotations?: Record<string, string> } };
  return { spec: o.spec, annotations: o.metadata.annotations ?? {} };
}

/** An instant PromQL query against the demo's Prometheus: value per destination_version. */
async function query(d: StandaloneDemo, expr: string): Promise<Record<string, number>> {
  const res = await d.request('GET', `${PROMETHEUS}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  return Object.fromEntries(
    body.data.result.map((r) => [r.metric.destination_version ?? '', Number(r.value[1])]),
  );
}

const COUNTERS =
  'sum by (destination_version) (istio_requests_total{destination_service_name="reviews",reporter="destination"})';
const oldCount = (c: Record<string, number>) => OLD.reduce((s, v) => s + (c[v] ?? 0), 0);

test('switching all of reviews to v1 leaves no request reaching v2 or v3, by the mesh’s own metrics; undo restores it exactly', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const kubeconfigPath = join(work, 'kubeconfig');
  demo = await startStandaloneDemo({ root, port: await freePort(), kubeconfigPath });
  app = await startWebApp({
    root,
    env: { SWITCHYARD_DATA_DIR: join(work, 'data'), KUBECONFIG: kubeconfigPath },
  });
  const d = demo;

  // Before: the content rules send requests to v2 and v3 (the demo population has jason and x-canary).
  await expect
    .poll(
      async () =>
        oldCount(
          await query(
            d,
            `sum by (destination_version) (increase(istio_requests_total{destination_service_name="reviews",reporter="destination"}[30s]))`,
          ),
        ),
      {
        timeout: 60_000,
      },
    )
    .toBeGreaterThan(0);
  const original = await vs(d);

  await page.goto(app.url);
  await page.getByRole('button', { name: 'Open demo-admin' }).click();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await expect(page.getByRole('heading', { name: /^reviews/, level: 2 })).toBeVisible();

  await page.getByRole('button', { name: 'Switch all traffic to v1' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Switch all traffic to v1?' });
  const outcomes = confirm.getByRole('list', { name: 'What happens to each content rule' });
  await expect(outcomes).toContainText('jason-on-v2 (v2): disabled');
  await expect(outcomes).toContainText('canary-header (v3): disabled');
  // Keeping the rules is a choice, and the confirmation says what it means.
  await confirm.getByRole('radio', { name: 'Keep them as they are' }).check();
  await expect(confirm.getByRole('note', { name: 'Requests that still reach other versions' })).toContainText(
    'jason-on-v2 still reach v2',
  );
  await confirm.getByRole('radio', { name: /^Disable them/ }).check();
  await expect(outcomes).toContainText('canary-header (v3): disabled');
  await expect(confirm.getByText(/dry-run passed/)).toBeVisible();
  await shot(page, 'all-traffic-confirm');

  await confirm.getByRole('button', { name: 'Switch to v1' }).click();
  const clickedAt = Date.now();
  const review = page.getByRole('dialog', { name: 'Review changes' });
  await expect(review.getByText(/Applied and confirmed/)).toBeVisible({ timeout: 30_000 });
  const appliedAt = Date.now();
  await review.getByRole('button', { name: 'Close' }).click();

  // The cards agree with the cluster.
  await expect(page.getByRole('article', { name: 'Version v1' })).toContainText('100%');
  for (const v of OLD) await expect(page.getByRole('article', { name: `Version ${v}` })).toContainText('0%');

  // Watch the mesh's own counters for v2 and v3 until 35 s after the switch: note when they last rose.
  let last = oldCount(await query(d, COUNTERS));
  let lastRiseAt = clickedAt;
  while (Date.now() < appliedAt + 36_000) {
    await page.waitForTimeout(1000);
    const now = oldCount(await query(d, COUNTERS));
    if (now > last) lastRiseAt = Date.now();
    last = now;
  }
  // A 30 s window that starts after the switch: not one request to v2 or v3.
  const window = await query(
    d,
    `sum by (destination_version) (increase(istio_requests_total{destination_service_name="reviews",reporter="destination"}[30s]))`,
  );
  expect(window.v2 ?? 0).toBe(0);
  expect(window.v3 ?? 0).toBe(0);
  expect(window.v1 ?? 0).toBeGreaterThan(0);
  console.log(
    JSON.stringify({
      figure: 'switch-all-traffic: time until the mesh metrics show no request to the old versions',
      applyMs: appliedAt - clickedAt,
      lastOldRequestSeenMsAfterClick: lastRiseAt - clickedAt,
      scrapeIntervalMs: 5000,
      oldVersionRequestsIn30sWindow: (window.v2 ?? 0) + (window.v3 ?? 0),
    }),
  );

  // Undo from History: the VirtualService's spec (and annotations) exactly as before.
  const history = page.getByRole('region', { name: 'History of reviews' });
  await history
    .getByRole('listitem')
    .filter({ hasText: 'v1 80% → 100% (switch all traffic)' })
    .getByRole('button', { name: 'Undo' })
    .click();
  const undo = page.getByRole('dialog', { name: 'Review changes' });
  await expect(undo.getByText('dry-run passed').first()).toBeVisible();
  await undo.getByRole('button', { name: 'Apply' }).click();
  await expect(undo.getByText(/Applied and confirmed/)).toBeVisible({ timeout: 30_000 });
  await undo.getByRole('button', { name: 'Close' }).click();
  expect(await vs(d)).toEqual(original);
  await expect(page.getByRole('article', { name: 'Version v1' })).toContainText('80%');
});
