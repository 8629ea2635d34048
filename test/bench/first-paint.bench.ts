// Browser mode: time from `switchyard web` start to the first screen painted, and the size of the
// renderer bundle. Run: npx tsx test/bench/first-paint.bench.ts (after `npm run build`). Prints JSON.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumArgs, debianChromium } from '../e2e/chromium.ts';
import { startWebApp } from '../e2e/web-app.ts';

const root = resolve(import.meta.dirname, '../..');
const runs = Number(process.env.BENCH_RUNS ?? 5);

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
  return { rawBytes: raw, gzipBytes: gzip, gzipByFile: files };
}

async function measure(withDemo: boolean) {
  const browser = await chromium.launch({
    ...(debianChromium ? { executablePath: debianChromium } : {}),
    args: chromiumArgs,
  });
  const samples: number[] = [];
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
    await page.close();
    await app.stop();
  }
  await browser.close();
  samples.sort((a, b) => a - b);
  return {
    runs,
    medianMs: Math.round(samples[Math.floor(samples.length / 2)] ?? 0),
    maxMs: Math.round(samples[samples.length - 1] ?? 0),
  };
}

const result = {
  bench: 'first-paint',
  target: { firstScreenMs: 1500, rendererGzipBytes: 1.5 * 1024 * 1024 },
  firstScreenNoDemo: await measure(false),
  firstScreenWithDemoMesh: await measure(true),
  rendererBundle: bundleSize(),
};
console.log(JSON.stringify(result, null, 2));
