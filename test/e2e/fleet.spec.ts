import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { type RunningWebApp, startWebApp } from './web-app.ts';

// Issue 14 done-when (e2e): `switchyard web --demo --clusters 3`; the fleet view of reviews shows
// demo-us-1's split drifting from the others; a fleet cut-over to v1 is reviewed per cluster (each
// cluster's diff and dry-run) and applied in waves, canary first; afterwards each cluster's
// VirtualService is read from its own demo API server with kubectl (the mesh, not the app's model).

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLUSTERS = ['demo-eu-1', 'demo-us-1', 'demo-ap-1'];
const ctx = (cluster: string) => `kube:${cluster}-admin`;
const HOST = 'reviews.bookinfo.svc.cluster.local';
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let app: RunningWebApp | undefined;
let kubeconfig = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'sy-e2e-fleet-')), 'kubeconfig');
  app = await startWebApp({ root, args: ['--demo', '--clusters', '3', '--kubeconfig', kubeconfig] });
  // `web` prints its URL before the core (and the demo fleet with it) has started, so that the first
  // screen is not held up: the fleet's kubeconfig appears a moment later, on a busy machine seconds.
  const until = Date.now() + 60_000;
  while (!existsSync(kubeconfig)) {
    if (Date.now() > until) throw new Error(`the demo fleet's kubeconfig never appeared at ${kubeconfig}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});
test.afterAll(async () => {
  await app?.stop();
});

/** The catch-all route's weights of reviews in one cluster, as its API server has them: `v1=100,v2=0`. */
function reviewsCatchAll(cluster: string): string {
  const out = execFileSync(
    'kubectl',
    [
      '--kubeconfig',
      kubeconfig,
      '--context',
      `${cluster}-admin`,
      'get',
      'virtualservice',
      'reviews',
      '-n',
      'bookinfo',
      '-o',
      'json',
    ],
    { encoding: 'utf8' },
  );
  const spec = (
    JSON.parse(out) as {
      spec: {
        http: Array<{ name?: string; route: Array<{ destination: { subset: string }; weight?: number }> }>;
      };
    }
  ).spec;
  const route = spec.http.find((r) => r.name === 'default');
  return (route?.route ?? []).map((d) => `${d.destination.subset}=${d.weight ?? 100}`).join(',');
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags([...WCAG, 'experimental']).analyze();
  return violations
    .filter(
      (v) => (v.impact === 'serious' || v.impact === 'critical') && v.tags.some((t) => WCAG.includes(t)),
    )
    .map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the fleet view shows drift; a fleet cut-over is reviewed per cluster and applied in waves', async ({
  page,
}) => {
  test.setTimeout(180_000);
  if (!app) throw new Error('switchyard web did not start');
  // Before: demo-us-1's reviews split differs (its canary further along).
  expect(CLUSTERS.map(reviewsCatchAll)).toEqual([
    'v1=80,v2=10,v3=10',
    'v1=50,v2=40,v3=10',
    'v1=80,v2=10,v3=10',
  ]);

  await page.goto(app.url);
  await page.getByRole('combobox', { name: 'Cluster' }).click();
  await page.getByRole('option', { name: /^demo-eu-1-admin/ }).click();
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  await expect(page.getByRole('slider', { name: 'Weight of v1' })).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Open in fleet' }).click();
  await expect(page.getByRole('heading', { name: 'Fleets', level: 2 })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Fleets' }),
  ).toHaveAttribute('aria-pressed', 'true');
  const contexts = page.getByRole('group', { name: 'Contexts' });
  for (const c of CLUSTERS) {
    const box = contexts.getByRole('checkbox', { name: new RegExp(`^${c}-admin`) });
    if (!(await box.isChecked())) await box.check();
  }
  await expect(page.getByRole('textbox', { name: 'Host' })).toHaveValue(HOST);
  await page.getByRole('button', { name: 'Show across the fleet' }).click();

  const table = page.getByRole('table', { name: `${HOST} across the fleet` });
  await expect(table.getByRole('row')).toHaveCount(4, { timeout: 60_000 });
  const us = table.getByRole('row', { name: ctx('demo-us-1') });
  await expect(us).toContainText('v1 50%, v2 40%, v3 10%');
  await expect(us.getByRole('cell').filter({ hasText: 'v1 50%' })).toHaveAccessibleDescription(/split/);
  await expect(table.getByRole('row', { name: ctx('demo-eu-1') })).toContainText('v1 80%, v2 10%, v3 10%');
  const drift = page.getByRole('list', { name: 'Drift across the fleet' });
  await expect(drift.getByRole('listitem')).toHaveCount(1);
  await expect(drift).toContainText('demo-us-1');

  expect(await seriousViolations(page)).toEqual([]);

  // The review: a cut-over to v1, demo-us-1 as the canary, one cluster at a time, a 1 s hold.
  await page.getByRole('button', { name: 'Review a fleet change' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review a fleet change' });
  await dialog.getByRole('radio', { name: 'Cut over to a version' }).check();
  await dialog.getByRole('combobox', { name: 'Version to cut over to' }).selectOption('v1');
  await dialog.getByRole('combobox', { name: 'Canary cluster' }).selectOption(ctx('demo-us-1'));
  await dialog.getByRole('spinbutton', { name: 'Clusters changed at once' }).fill('1');
  await dialog.getByRole('spinbutton', { name: 'Hold between waves (seconds)' }).fill('1');
  await dialog.getByRole('checkbox', { name: 'Judge each wave by the health gate' }).uncheck();
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Plan for every cluster' }).click();

  const waves = dialog.getByRole('list', { name: 'Waves' }).getByRole('listitem');
  await expect(waves).toHaveText(
    [`Wave 1 (canary): ${ctx('demo-us-1')}`, `Wave 2: ${ctx('demo-eu-1')}`, `Wave 3: ${ctx('demo-ap-1')}`],
    { timeout: 60_000 },
  );
  for (const c of CLUSTERS) {
    const steps = dialog.getByRole('list', { name: `Steps in ${ctx(c)}` });
    await expect(steps.getByText('dry-run passed')).toHaveCount(1);
    await expect(
      steps.getByRole('figure', { name: new RegExp(`^Diff of VirtualService reviews in ${ctx(c)}`) }),
    ).toBeVisible();
  }
  expect(await seriousViolations(page)).toEqual([]);
  // Nothing applied by reviewing.
  expect(reviewsCatchAll('demo-us-1')).toBe('v1=50,v2=40,v3=10');

  const applyStarted = Date.now();
  await dialog.getByRole('button', { name: 'Apply in waves' }).click();
  const progress = dialog.getByRole('table', { name: 'Clusters of the fleet run' });
  await expect(progress.getByRole('row')).toHaveCount(4);
  await expect(dialog.getByRole('status').filter({ hasText: 'Completed' })).toHaveText(
    'Completed: all 3 waves applied',
    { timeout: 90_000 },
  );
  const applySeconds = (Date.now() - applyStarted) / 1000;
  test.info().annotations.push({
    type: 'figure',
    description: `fleet cut-over over 3 demo clusters, 3 waves, 1 s holds, as the page saw it: ${applySeconds.toFixed(1)} s`,
  });
  console.log(test.info().annotations.at(-1)?.description);
  for (const c of CLUSTERS)
    await expect(progress.getByRole('row', { name: ctx(c) })).toContainText('applied');

  // The mesh: every cluster's catch-all sends all of reviews to v1.
  for (const c of CLUSTERS) expect(reviewsCatchAll(c)).toMatch(/^v1=100(,v[23]=0)*$/);

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  // The fleet read afresh: no drift left in the split.
  await expect(table.getByRole('row', { name: ctx('demo-us-1') })).toContainText('v1 100%', {
    timeout: 30_000,
  });
});

test('stopping the waves after the canary and rolling back all restores the canary cluster exactly', async ({
  page,
}) => {
  test.setTimeout(120_000);
  if (!app) throw new Error('switchyard web did not start');
  const before = CLUSTERS.map(reviewsCatchAll);
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Fleets' }).click();
  const contexts = page.getByRole('group', { name: 'Contexts' });
  for (const c of CLUSTERS) await contexts.getByRole('checkbox', { name: new RegExp(`^${c}-admin`) }).check();
  await page.getByRole('textbox', { name: 'Namespace' }).fill('bookinfo');
  await page.getByRole('textbox', { name: 'Host' }).fill(HOST);
  await page.getByRole('button', { name: 'Show across the fleet' }).click();
  await expect(page.getByRole('table', { name: `${HOST} across the fleet` }).getByRole('row')).toHaveCount(
    4,
    {
      timeout: 60_000,
    },
  );
  await page.getByRole('button', { name: 'Review a fleet change' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review a fleet change' });
  // Opened from the navigation, not a service: the slider's split is not on offer.
  await expect(dialog.getByRole('radio', { name: /^Split from the service's slider/ })).toBeDisabled();
  await dialog.getByRole('combobox', { name: 'Version to cut over to' }).selectOption('v2');
  await dialog.getByRole('combobox', { name: 'Canary cluster' }).selectOption(ctx('demo-ap-1'));
  await dialog.getByRole('spinbutton', { name: 'Hold between waves (seconds)' }).fill('600');
  await dialog.getByRole('checkbox', { name: 'Judge each wave by the health gate' }).uncheck();
  await dialog.getByRole('button', { name: 'Plan for every cluster' }).click();
  await expect(dialog.getByRole('list', { name: 'Waves' }).getByRole('listitem').first()).toHaveText(
    `Wave 1 (canary): ${ctx('demo-ap-1')}`,
    { timeout: 60_000 },
  );
  await dialog.getByRole('button', { name: 'Apply in waves' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'holding' })).toContainText(
    '1 of 3 waves applied',
    {
      timeout: 30_000,
    },
  );
  expect(reviewsCatchAll('demo-ap-1')).toMatch(/^v1=0,v2=100/);
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Stop the waves' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Stopped' })).toBeVisible();
  // The other clusters were never touched.
  expect(reviewsCatchAll('demo-eu-1')).toBe(before[0]);
  expect(reviewsCatchAll('demo-us-1')).toBe(before[1]);
  await dialog.getByRole('button', { name: 'Roll back all' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Rolled back: every changed cluster is as it was', {
    timeout: 30_000,
  });
  expect(CLUSTERS.map(reviewsCatchAll)).toEqual(before);
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test.describe('in the dark theme', () => {
  test.use({ colorScheme: 'dark' });

  test('the fleet screen and its review have no serious WCAG 2.1 A/AA violation', async ({ page }) => {
    test.setTimeout(90_000);
    if (!app) throw new Error('switchyard web did not start');
    await page.goto(app.url);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Fleets' }).click();
    const contexts = page.getByRole('group', { name: 'Contexts' });
    for (const c of CLUSTERS)
      await contexts.getByRole('checkbox', { name: new RegExp(`^${c}-admin`) }).check();
    await page.getByRole('textbox', { name: 'Namespace' }).fill('bookinfo');
    await page.getByRole('textbox', { name: 'Host' }).fill(HOST);
    await page.getByRole('button', { name: 'Show across the fleet' }).click();
    await expect(page.getByRole('table', { name: `${HOST} across the fleet` }).getByRole('row')).toHaveCount(
      4,
      {
        timeout: 60_000,
      },
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Review a fleet change' }).click();
    const dialog = page.getByRole('dialog', { name: 'Review a fleet change' });
    await dialog.getByRole('button', { name: 'Plan for every cluster' }).click();
    await expect(dialog.getByRole('list', { name: 'Waves' })).toBeVisible({ timeout: 60_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  });
});
