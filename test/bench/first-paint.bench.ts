// Issue 13, figure 2: browser mode, from `switchyard web` process start to the first meaningful
// screen painted (the cluster list showing the context), with a kubeconfig (goal < 0.5 s) and with
// the embedded demo mesh starting with it (goal < 0.8 s); and the size of the renderer's first
// bundle. Run: npx tsx test/bench/first-paint.bench.ts (after `npm run build`; the CLI bundle is
// rebuilt here). BENCH_RUNS (default 9: single runs vary a lot on a shared machine). Prints JSON.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumArgs, debianChromium } from '../e2e/chromium.ts';
import { startWebApp } from '../e2e/web-app.ts';
import { figure, load1m, median, report } from './lib/figures.ts';
import { firstScriptsOf } from './lib/first-scripts.ts';

const root = resolve(import.meta.dirname, '../..');
const runs = Number(process.env.BENCH_RUNS ?? 9);
const GOAL = { kubeconfigMs: 500, demoMs: 800 };

// The command as `npm run build` leaves it: bundled, not compiled from TypeScript at start-up.
const cli = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, stdio: 'inherit' });
if (cli.status !== 0) throw new Error('building out/cli failed');

function bundleSize() {
  const dir = join(root, 'out/renderer/assets');
  let raw = 0;
  let gzip = 0;
  const files: Record<string, number> = {};
  for (const name of readdirSync(dir)) {
    if (!/\.(js|css)$/.test(name)) continue;
    const body = readFileSync(join(dir, name));
    raw += statSync(join(dir, name)).size;
    const gz = gzipSync(body, { level: 9 }).length;
    gzip += gz;
    files[name] = gz;
  }
  // What the first screen waits for: the entry and the chunks it imports at once (lazy screens not).
  const first = firstScriptsOf(readFileSync(join(root, 'out/renderer/index.html'), 'utf8'));
  const firstJs = { rawBytes: 0, gzipBytes: 0, files: first };
  for (const url of first) {
    const body = readFileSync(join(root, 'out/renderer', url));
    firstJs.rawBytes += body.length;
    firstJs.gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  return { rawBytes: raw, gzipBytes: gzip, gzipByFile: files, firstJs };
}

async function measure(withDemo: boolean) {
  const browser = await chromium.launch({
    ...(debianChromium ? { executablePath: debianChromium } : {}),
    args: chromiumArgs,
  });
  const samples: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    const env: NodeJS.ProcessEnv = {};
    if (!withDemo) {
      // A kubeconfig with one context: the app opens on the cluster list without starting the demo.
      const dir = mkdtempSync(join(tmpdir(), 'sy-bench-'));
      const file = join(dir, 'config');
      writeFileSync(
        file,
        'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: bench\n  context:\n    cluster: c\n    user: u\ncurrent-context: bench\n',
      );
      env.KUBECONFIG = file;
    }
    const page = await browser.newPage();
    const started = performance.now();
    const app = await startWebApp({ root, env });
    await page.goto(app.url);
    await page.getByRole('listitem', { name: withDemo ? 'Demo mesh' : 'bench' }).waitFor();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    samples.push(performance.now() - started);
    loads.push(load1m());
    await page.close();
    await app.stop();
  }
  await browser.close();
  samples.sort((a, b) => a - b);
  return {
    runs,
    medianMs: Math.round(median(samples)),
    maxMs: Math.round(samples[samples.length - 1] ?? 0),
    loadAvg1m: median(loads),
  };
}

const noDemo = await measure(false);
const withDemo = await measure(true);
const bundle = bundleSize();
report(
  'first-paint: process start → first screen painted (browser mode)',
  [
    figure('first screen with a kubeconfig, median', noDemo.medianMs, 'ms', GOAL.kubeconfigMs, {
      loadAvg1m: noDemo.loadAvg1m,
    }),
    figure('first screen with the demo mesh, median', withDemo.medianMs, 'ms', GOAL.demoMs, {
      loadAvg1m: withDemo.loadAvg1m,
    }),
  ],
  { firstScreenNoDemo: noDemo, firstScreenWithDemoMesh: withDemo, rendererBundle: bundle },
);
