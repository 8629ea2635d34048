// Issue 8's end-to-end story: the operator used a cluster once, then drafts a release with the
// cluster gone (offline, from the snapshot), restarts the app, and once the cluster is back compares
// the draft with what changed meanwhile and applies it through the same review and apply engine.

import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { freePort, type StandaloneDemo, startStandaloneDemo } from './standalone-demo.ts';
import { type RunningWebApp, startWebApp } from './web-app.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/shop/virtualservices/payment';

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png` });
};

interface PaymentRoute {
  name?: string;
  timeout?: string;
  route: Array<{ destination: { subset: string }; weight?: number }>;
}

async function paymentRoutes(demo: StandaloneDemo): Promise<PaymentRoute[]> {
  const res = await demo.request('GET', VS_PATH);
  expect(res.status).toBe(200);
  const vs = (await res.json()) as { spec: { http: PaymentRoute[] } };
  return vs.spec.http;
}

let demo: StandaloneDemo | undefined;
let app: RunningWebApp | undefined;
const work = mkdtempSync(join(tmpdir(), 'sy-e2e-drafts-'));
const dataDir = join(work, 'data');
const kubeconfigPath = join(work, 'kubeconfig');
let port = 0;

const startApp = () =>
  startWebApp({ root, env: { SWITCHYARD_DATA_DIR: dataDir, KUBECONFIG: kubeconfigPath } });

test.afterAll(async () => {
  await app?.stop();
  await demo?.stop();
});

test('drafts offline, restarts, reconnects and applies the draft merged with a change made meanwhile', async ({
  page,
}) => {
  test.setTimeout(240_000);
  port = await freePort();
  demo = await startStandaloneDemo({ root, port, kubeconfigPath });

  // 1. A first session with the cluster up: the app keeps a snapshot of what it saw.
  app = await startApp();
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Open demo-admin' }).click();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('payment');
  await page.getByRole('option', { name: 'payment in shop' }).click();
  await expect(page.getByRole('slider', { name: 'Weight of v1' })).toHaveAttribute('aria-valuenow', '90');
  const snapshots = join(dataDir, 'snapshots');
  await expect
    .poll(() => (existsSync(snapshots) ? readdirSync(snapshots).filter((f) => f.endsWith('.json')) : []), {
      timeout: 30_000,
    })
    .toHaveLength(1);
  await app.stop();
  await demo.stop();

  // 2. The cluster is gone: the app starts offline and shows the snapshot, read-only, with its age.
  app = await startApp();
  await page.goto(app.url);
  const offline = page.getByRole('status', { name: 'Offline snapshot' });
  // The reopened context must first fail to connect; at load 11 that took more than 10 s.
  await expect(offline).toContainText('Offline', { timeout: 30_000 });
  await expect(offline).toContainText('ago');
  await page.getByRole('searchbox', { name: 'Search services' }).fill('payment');
  await page.getByRole('option', { name: 'payment in shop' }).click();
  await expect(page.getByRole('note', { name: 'Read-only' })).toContainText('snapshot');
  await page.getByRole('button', { name: 'Draft a change' }).click();
  const banner = page.getByRole('note', { name: 'Draft mode' });
  await expect(banner).toContainText('not applied until you apply it');
  await page.getByRole('spinbutton', { name: 'Exact weight of v1' }).fill('50');
  await page.getByRole('spinbutton', { name: 'Exact weight of v1' }).press('Enter');
  await expect(page.getByRole('slider', { name: 'Weight of v2' })).toHaveAttribute('aria-valuenow', '50');
  await page.getByRole('textbox', { name: 'Notes' }).fill('Half of payment to v2 once the cluster is back');
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Draft changes' })).toContainText('weight: 50');
  await expect(page.getByRole('button', { name: 'Compare with cluster' })).toBeDisabled();
  await shot(page, 'drafts-offline-draft-mode');
  await app.stop();

  // 3. Restart, still offline: the draft is there, with what was saved.
  app = await startApp();
  await page.goto(app.url);
  await expect(page.getByRole('status', { name: 'Offline snapshot' })).toBeVisible();
  await page.getByRole('button', { name: /^Drafts/ }).click();
  const drafts = page.getByRole('region', { name: 'Drafts' });
  const item = drafts.getByRole('listitem').filter({ hasText: 'payment' });
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('based on offline snapshot');
  const draftName = (await item.getAttribute('aria-label')) ?? '';
  expect(draftName).toContain('payment');
  await shot(page, 'drafts-panel');
  await item.getByRole('button', { name: `Open ${draftName}` }).click();
  await expect(page.getByRole('note', { name: 'Draft mode' })).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Weight of v1' })).toHaveAttribute('aria-valuenow', '50');
  await expect(page.getByRole('textbox', { name: 'Notes' })).toHaveValue(
    'Half of payment to v2 once the cluster is back',
  );

  // 4. The cluster comes back, and someone changed the route's timeout meanwhile (not the weights).
  demo = await startStandaloneDemo({ root, port, kubeconfigPath });
  const defaultIndex = (await paymentRoutes(demo)).findIndex((r) => r.name === 'default');
  const patched = await demo.request(
    'PATCH',
    VS_PATH,
    [{ op: 'replace', path: `/spec/http/${defaultIndex}/timeout`, value: '9s' }],
    'application/json-patch+json',
  );
  expect(patched.status).toBe(200);
  // The app reloads the rewritten kubeconfig (new credentials); reconnecting then succeeds.
  await expect(async () => {
    await page
      .getByRole('button', { name: /^(Reconnect|Connect to)/ })
      .first()
      .click();
    await expect(page.getByRole('button', { name: 'Compare with cluster' })).toBeEnabled({ timeout: 3000 });
  }).toPass({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Compare with cluster' }).click();
  const threeWay = page.getByRole('region', { name: 'Three-way comparison' });
  await expect(threeWay).toContainText('merged');
  await expect(threeWay.getByRole('radiogroup')).toHaveCount(0);
  await shot(page, 'drafts-three-way');
  await threeWay.getByRole('button', { name: 'Apply draft' }).click();
  const review = page.getByRole('dialog', { name: 'Review changes' });
  await expect(review.getByText('dry-run passed').first()).toBeVisible();
  await review.getByRole('button', { name: 'Apply' }).click();
  await expect(review.getByText(/Applied and confirmed by the cluster/)).toBeVisible({ timeout: 20_000 });
  await review.getByRole('button', { name: 'Close' }).click();

  // Both changes are live: the draft's weights and the other change's timeout.
  const live = (await paymentRoutes(demo))[defaultIndex];
  expect(live?.timeout).toBe('9s');
  expect(Object.fromEntries((live?.route ?? []).map((d) => [d.destination.subset, d.weight]))).toEqual({
    v1: 50,
    v2: 50,
  });
  await page.getByRole('button', { name: /^Drafts/ }).click();
  await expect(
    page.getByRole('region', { name: 'Drafts' }).getByRole('listitem').filter({ hasText: 'payment' }),
  ).toContainText('Applied');
  await shot(page, 'drafts-applied');
});
