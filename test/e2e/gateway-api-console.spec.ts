// The catalog HTTPRoute release in the browser: its versions show their percentages with the raw
// backendRef weights, the rules editor notes that RegularExpression matches are implementation-
// specific, and a VirtualService created beside the HTTPRoute (by kubectl, not the console) is
// shown under "Mesh mode" as the mix Istio does not support.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { freePort, type StandaloneDemo, startStandaloneDemo } from './standalone-demo.ts';
import { type RunningWebApp, startWebApp } from './web-app.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/storefront/virtualservices';

let demo: StandaloneDemo | undefined;
let app: RunningWebApp | undefined;
const work = mkdtempSync(join(tmpdir(), 'sy-e2e-gateway-console-'));

test.afterAll(async () => {
  await app?.stop();
  await demo?.stop();
});

test('the catalog HTTPRoute shows percentages with raw weights, the regex note, and the mixed-mesh finding', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const kubeconfigPath = join(work, 'kubeconfig');
  demo = await startStandaloneDemo({ root, port: await freePort(), kubeconfigPath });
  app = await startWebApp({
    root,
    env: { SWITCHYARD_DATA_DIR: join(work, 'data'), KUBECONFIG: kubeconfigPath },
  });

  await page.goto(app.url);
  await page.getByRole('button', { name: 'Open demo-admin' }).click();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('catalog');
  await page.getByRole('option', { name: 'catalog in storefront' }).click();
  await expect(page.getByRole('heading', { name: /^catalog/, level: 2 })).toContainText('Gateway API');

  await expect(page.getByRole('article', { name: 'Version catalog-v1' })).toContainText('90% (weight 90)');
  await expect(page.getByRole('article', { name: 'Version catalog-v2' })).toContainText('10% (weight 10)');
  await expect(page.getByRole('note', { name: 'Regular expressions on Gateway API' })).toContainText(
    'implementation-specific',
  );
  await expect(page.getByRole('region', { name: 'Mesh mode' })).toHaveCount(0);

  const created = await demo.request('POST', VS_PATH, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'catalog-legacy', namespace: 'storefront' },
    spec: { hosts: ['catalog'], http: [{ route: [{ destination: { host: 'catalog-v1' } }] }] },
  });
  expect(created.status).toBe(201);
  await expect(page.getByRole('region', { name: 'Mesh mode' })).toContainText(
    'SY170 HTTPRoute storefront/catalog: host catalog.storefront.svc.cluster.local is routed by both a VirtualService and an HTTPRoute',
    { timeout: 20_000 },
  );
});
