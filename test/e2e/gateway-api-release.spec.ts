// The release wizard on the demo's Gateway API namespace (issue 15's e2e): search in storefront,
// routed by the GAMMA HTTPRoute `search` (backend Service search-v1). A new version v2 is made of
// its Deployment and its own Service, listed on the route at 0 once its endpoints are ready. The
// first test aborts it; the second takes the same release to the end through the console: 10%, a
// header rule x-canary: always → v2, cut-over, finalize (search-v1 scaled to zero), and the old
// Service deleted on the offer. After each step the HTTPRoute is read from the demo's API server
// (not the app's model), and at the end the demo's Prometheus is asked whether search-v2 serves
// and whether any request to search's backends failed (5xx) during the release.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import {
  catchAllShares,
  promQuery,
  readObject,
  routeRules,
  tallyOf,
  tallyQuery,
  tallySince,
  total,
} from './demo-mesh-reads.ts';
import { freePort, type StandaloneDemo, startStandaloneDemo } from './standalone-demo.ts';
import { type RunningWebApp, startWebApp } from './web-app.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NS = 'storefront';
const IMAGE = 'registry.example.com/storefront/search:2.1.0';
const SERVICE = (name: string) => `/api/v1/namespaces/${NS}/services/${name}`;
const DEPLOYMENT = (name: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${name}`;
/** Requests to any of search's backends (search, search-v1, search-v2). */
const SEARCH_TALLY = tallyQuery(
  `destination_service_namespace="${NS}",destination_service_name=~"search|search-.*"`,
);

let demo: StandaloneDemo | undefined;
let app: RunningWebApp | undefined;
const work = mkdtempSync(join(tmpdir(), 'sy-e2e-gateway-release-'));

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const kubeconfigPath = join(work, 'kubeconfig');
  demo = await startStandaloneDemo({ root, port: await freePort(), kubeconfigPath });
  app = await startWebApp({
    root,
    env: { SWITCHYARD_DATA_DIR: join(work, 'data'), KUBECONFIG: kubeconfigPath },
  });
});
test.afterAll(async () => {
  await app?.stop();
  await demo?.stop();
});

const mesh = () => {
  if (!demo) throw new Error('the demo mesh did not start');
  return demo;
};
const search = () => routeRules(mesh(), NS, 'search');

const shot = async (page: Page, name: string) => {
  mkdirSync('test/artifacts', { recursive: true });
  await page.screenshot({ path: `test/artifacts/${name}.png`, fullPage: true });
};

async function openSearch(page: Page) {
  if (!app) throw new Error('switchyard web did not start');
  await page.goto(app.url);
  // The first visit offers the kubeconfig's contexts; later ones reopen the last one.
  const open = page.getByRole('button', { name: 'Open demo-admin' });
  const searchbox = page.getByRole('searchbox', { name: 'Search services' });
  await expect(open.or(searchbox).first()).toBeVisible({ timeout: 30_000 });
  if (await open.isVisible()) await open.click();
  await searchbox.fill('search');
  await page.getByRole('option', { name: /^search in storefront/ }).click();
  await expect(page.getByRole('heading', { name: /^search/, level: 2 })).toContainText('Gateway API');
}

/** The wizard's create step filled for search v2 from search-v1. */
async function fillCreate(page: Page) {
  await page.getByRole('button', { name: 'New grayscale release' }).click();
  const wizard = page.getByRole('region', { name: 'Grayscale release of search' });
  await expect(wizard).toContainText('Its Service (the stable backend Service with the new version label)');
  await wizard.getByRole('combobox', { name: 'Stable version' }).selectOption('search-v1');
  await wizard.getByRole('textbox', { name: 'New version' }).fill('v2');
  await wizard.getByRole('textbox', { name: 'Image' }).fill(IMAGE);
  return wizard;
}

/** The open review dialog: dry-run passed, Apply, confirmed by the cluster, Close. */
async function applyReviewed(page: Page) {
  const review = page.getByRole('dialog', { name: 'Review changes' });
  await expect(review.getByText('dry-run passed').first()).toBeVisible({ timeout: 20_000 });
  await review.getByRole('button', { name: 'Apply' }).click();
  await expect(review.getByText(/Applied and confirmed by the cluster/)).toBeVisible({ timeout: 30_000 });
  await review.getByRole('button', { name: 'Close' }).click();
  await expect(review).toHaveCount(0);
}

test.describe('the release wizard on an HTTPRoute (demo storefront)', () => {
  test.use({ actionTimeout: 30_000 });

  test('v2 of search: Deployment and Service created, endpoints ready, at 0 on the route, then aborted', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const before = await search();
    await openSearch(page);
    const wizard = await fillCreate(page);
    await wizard.getByRole('button', { name: 'Create version' }).click();

    await expect(wizard.getByRole('region', { name: 'Choose the policy' })).toBeVisible({ timeout: 30_000 });
    await expect(wizard.getByRole('list', { name: 'Release timeline' })).toContainText(
      'Service search-v2 created, endpoints ready',
    );
    await expect(page.getByRole('article', { name: 'Version search-v2' })).toBeVisible();
    await expect(page.getByRole('article', { name: 'Version search-v1' })).toContainText('100%');
    expect(catchAllShares(await search()).percent).toEqual({ 'search-v1': 100, 'search-v2': 0 });

    await wizard.getByRole('button', { name: 'Abort release' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Abort the release of search-v2?' });
    await confirm.getByRole('button', { name: 'Abort release' }).click();
    await expect(wizard.getByRole('status')).toContainText('The release of search-v2 was aborted');
    await expect(page.getByRole('article', { name: 'Version search-v2' })).toHaveCount(0, {
      timeout: 15_000,
    });
    // The mesh: the route exactly as it was, the version's Service and Deployment gone.
    expect(await search()).toEqual(before);
    expect(await readObject(mesh(), SERVICE('search-v2'))).toBeUndefined();
    expect(await readObject(mesh(), DEPLOYMENT('search-v2'))).toBeUndefined();
    await wizard.getByRole('button', { name: 'Close' }).click();
  });

  test('v2 of search released to the end: 0%, 10%, x-canary → v2, cut-over, finalize, old Service deleted; zero 5xx', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const d = mesh();
    const before = tallyOf(await promQuery(d, SEARCH_TALLY));

    await openSearch(page);
    const wizard = await fillCreate(page);

    // Create → "at 0%, ready" on screen: the timeline's note and the version's card at 0%.
    await wizard.getByRole('button', { name: 'Create version' }).click();
    const clickedAt = Date.now();
    await expect(wizard.getByRole('list', { name: 'Release timeline' })).toContainText(
      'Service search-v2 created, endpoints ready',
      { timeout: 30_000 },
    );
    await expect(wizard.getByRole('region', { name: 'Choose the policy' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('article', { name: 'Version search-v2' })).toContainText('0%');
    const readyMs = Date.now() - clickedAt;
    console.log(
      JSON.stringify({ figure: 'gateway-create-to-ready-ms', value: readyMs, version: 'search-v2' }),
    );
    await shot(page, 'gateway-release-1-ready');

    // The mesh: the Service (selector with version v2, search-v1's ports), the Deployment with the
    // image, and the backendRef at weight 0 on the catch-all rule.
    const service = await readObject<{ spec: { selector: Record<string, string>; ports: unknown } }>(
      d,
      SERVICE('search-v2'),
    );
    const stable = await readObject<{ spec: { selector: Record<string, string>; ports: unknown } }>(
      d,
      SERVICE('search-v1'),
    );
    expect(service?.spec.selector).toEqual({ ...stable?.spec.selector, version: 'v2' });
    expect(service?.spec.ports).toEqual(stable?.spec.ports);
    const deployment = await readObject<{
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    }>(d, DEPLOYMENT('search-v2'));
    expect(deployment?.spec.template.spec.containers.map((c) => c.image)).toContain(IMAGE);
    let shares = catchAllShares(await search());
    expect(shares.raw['search-v2']).toBe(0);
    expect(shares.percent).toEqual({ 'search-v1': 100, 'search-v2': 0 });

    // 10% with the keyboard on search-v2's slider, reviewed and applied.
    const v2 = wizard.getByRole('slider', { name: 'Weight of search-v2' });
    await v2.focus();
    await page.keyboard.press('PageUp');
    await expect(v2).toHaveAttribute('aria-valuenow', '10');
    await expect(wizard.getByRole('slider', { name: 'Weight of search-v1' })).toHaveAttribute(
      'aria-valuenow',
      '90',
    );
    await wizard.getByRole('button', { name: 'Review changes' }).click();
    await applyReviewed(page);
    shares = catchAllShares(await search());
    expect(shares.percent).toEqual({ 'search-v1': 90, 'search-v2': 10 });
    await expect(page.getByRole('article', { name: 'Version search-v2' })).toContainText('10%');
    const rawAt10 = shares.raw;

    // A header rule x-canary: always → search-v2, from the rule editor (back from Observe to the policy).
    await expect(wizard.getByRole('region', { name: 'Observe' })).toBeVisible();
    await wizard.getByRole('button', { name: 'Change the policy' }).click();
    await wizard.getByRole('button', { name: 'Add rule' }).click();
    const rule = wizard.getByRole('group', { name: /^Rule \d+/ }).last();
    await rule.getByRole('combobox', { name: 'Target version' }).selectOption('search-v2');
    await rule.getByRole('textbox', { name: 'Name' }).fill('x-canary');
    await rule.getByRole('textbox', { name: 'Value' }).fill('always');
    await wizard.getByRole('button', { name: 'Review changes' }).click();
    await applyReviewed(page);
    let rules = await search();
    const header = rules.filter((r) => JSON.stringify(r.matches ?? []).includes('x-canary'));
    expect(header).toHaveLength(1);
    expect(header[0]?.matches).toEqual([{ headers: [{ type: 'Exact', name: 'x-canary', value: 'always' }] }]);
    expect(header[0]?.backendRefs?.map((r) => r.name)).toEqual(['search-v2']);
    // The split stayed as it was, in the route's own scale.
    expect(catchAllShares(rules).raw).toEqual(rawAt10);
    await shot(page, 'gateway-release-2-policy');

    // Observe, then cut-over: promote search-v2 (with too little traffic to judge, explicitly).
    await wizard.getByRole('button', { name: 'Next: observe' }).click();
    await expect(wizard.getByRole('status', { name: 'Split in the cluster' })).toContainText(
      'search-v1 90%, search-v2 10%',
    );
    await expect(wizard.getByRole('status', { name: 'Split in the cluster' })).toContainText(
      '1 content rule(s) send requests to search-v2',
    );
    await wizard.getByRole('button', { name: 'Next: promote' }).click();
    const promote = wizard.getByRole('button', { name: 'Promote search-v2' });
    const healthy = wizard.getByRole('region', { name: 'Health of search-v2 against search-v1' });
    await expect(healthy.getByRole('status')).toBeVisible({ timeout: 30_000 });
    const override = wizard.getByRole('checkbox', { name: /Promote search-v2 anyway/ });
    if (await override.isVisible()) await override.check();
    await promote.click();
    const confirm = page.getByRole('alertdialog', { name: 'Promote search-v2?' });
    await confirm.getByRole('button', { name: 'Promote search-v2' }).click();
    await expect(wizard.getByRole('region', { name: 'Finalize' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('article', { name: 'Version search-v2' })).toContainText('100%');
    rules = await search();
    expect(catchAllShares(rules).percent).toEqual({ 'search-v1': 0, 'search-v2': 100 });
    await shot(page, 'gateway-release-3-cut-over');

    // Finalize: search-v1's backendRef removed, its Deployment scaled to zero, reviewed first.
    await wizard.getByRole('radio', { name: /Scale search-v1 to zero/ }).check();
    await wizard.getByRole('button', { name: 'Review finalize' }).click();
    const review = page.getByRole('dialog', { name: 'Review changes' });
    await expect(review.getByRole('listitem', { name: /scale Deployment search-v1 to 0/ })).toBeVisible({
      timeout: 20_000,
    });
    await applyReviewed(page);
    await expect(wizard.getByRole('status').filter({ hasText: 'search-v2 is released' })).toContainText(
      'search-v1 was scaled to zero',
    );
    rules = await search();
    expect(catchAllShares(rules).percent).toEqual({ 'search-v2': 100 });
    expect(JSON.stringify(rules)).not.toContain('search-v1');
    const oldDeployment = await readObject<{ spec: { replicas: number } }>(d, DEPLOYMENT('search-v1'));
    expect(oldDeployment?.spec.replicas).toBe(0);
    // The old Service stays until the operator accepts the offer to delete it.
    expect(await readObject(d, SERVICE('search-v1'))).toBeDefined();
    const offer = wizard.getByRole('group', { name: "Old version's Service" });
    await expect(offer).toContainText('Service search-v1 no longer receives requests from the route');
    await shot(page, 'gateway-release-4-finalized');
    await offer.getByRole('button', { name: 'Review deleting Service search-v1' }).click();
    await expect(
      page
        .getByRole('dialog', { name: 'Review changes' })
        .getByRole('listitem', { name: /delete Service search-v1/ }),
    ).toBeVisible({ timeout: 20_000 });
    // Nothing is deleted before Apply.
    expect(await readObject(d, SERVICE('search-v1'))).toBeDefined();
    await applyReviewed(page);
    await expect(wizard.getByRole('status').filter({ hasText: 'Service search-v1' })).toContainText(
      'Service search-v1 of the old version was deleted',
    );
    expect(await readObject(d, SERVICE('search-v1'))).toBeUndefined();
    await shot(page, 'gateway-release-5-done');

    // The mesh's own metrics: search-v2 serves (reported by its own sidecars) …
    await expect
      .poll(
        async () =>
          total(
            await promQuery(
              d,
              `sum(increase(istio_requests_total{reporter="destination",destination_service_namespace="${NS}",destination_service_name="search-v2",response_code="200"}[30s]))`,
            ),
          ),
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    // … and not one request to search's backends failed because of the release (after one more
    // scrape): none failed by the mesh (no route, no healthy upstream…), and every 5xx the callers
    // saw was answered by a search pod itself (the demo's versions fail 0.1% of requests on their own).
    await page.waitForTimeout(6_000);
    const during = tallySince(before, tallyOf(await promQuery(d, SEARCH_TALLY)));
    console.log(JSON.stringify({ figure: 'gateway-release-requests-to-search', ...during }));
    expect(during.requests).toBeGreaterThan(0);
    expect(during.meshFailed).toBe(0);
    expect(during.callers5xx - during.pods5xx).toBe(0);
  });
});
