// The console with a large mesh, in Chromium against `switchyard web` on a demo with 5,000 extra
// services: the service list's render after its data arrives (< 100 ms), the filter per keystroke
// (< 50 ms), and the frames while a split slider is dragged with the three live charts streaming on
// screen: a frame interval over 1.5 vsyncs (25 ms) is a dropped frame, i.e. work that did not fit in
// 16.7 ms; the goal is none.
// Run: npx tsx test/bench/console.bench.ts (after `npx vite build --config renderer/vite.config.ts`).
// BENCH_SERVICES (default 5000) and BENCH_RUNS (page loads, default 5). Prints JSON.
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startWebApp } from '../e2e/web-app.ts';
import { type Figure, figure, load1m, report } from './lib/figures.ts';

const root = resolve(import.meta.dirname, '../..');
const services = Number(process.env.BENCH_SERVICES ?? 5000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
/** Issue 13: a frame under 16.7 ms is 60 frames a second, through the whole drag. */
const TARGET = { renderMs: 100, keystrokeMs: 50, frameMs: 16.7 };
const DROPPED_MS = 25;
/** Main's first sync of a big demo holds the page's load and its list for a while (not timed here). */
const SYNC_WAIT_MS = Math.max(120_000, services * 10);

const round = (n: number) => Math.round(n * 10) / 10;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    medianMs: round(s[Math.floor(s.length / 2)] ?? Number.NaN),
    maxMs: round(s.at(-1) ?? Number.NaN),
  };
};

/**
 * Data arrival → list laid out, from the marks the renderer sets (one pair per page load). NaN when
 * services.list answered no services (main still syncing a big demo): the list then fills from
 * services.changed deltas, and the wait is main's sync, not the renderer's work.
 */
async function listRender(page: Page): Promise<number> {
  await page.waitForFunction(
    () => performance.getEntriesByName('switchyard:services-rendered').length > 0,
    null,
    {
      timeout: SYNC_WAIT_MS,
    },
  );
  return page.evaluate(() => {
    const data = performance.getEntriesByName('switchyard:services-data')[0] as PerformanceMark | undefined;
    const rendered = performance
      .getEntriesByName('switchyard:services-rendered')
      .find((m) => data && m.startTime >= data.startTime);
    if (data && data.detail === 0) return Number.NaN;
    return data && rendered ? rendered.startTime - data.startTime : Number.NaN;
  });
}

/** From each keystroke's input event to the filtered list laid out in the next frame. */
async function keystrokes(page: Page, queries: string[]): Promise<number[]> {
  const search = page.getByRole('searchbox', { name: 'Search services' });
  await search.fill('');
  await page.evaluate(() => {
    const w = window as unknown as { __keys: number[] };
    w.__keys = [];
    const input = document.querySelector('input[aria-label="Search services"]');
    input?.addEventListener('input', (e) => {
      const t0 = e.timeStamp;
      requestAnimationFrame(() => {
        document.querySelector('[aria-label="Service list"]')?.getBoundingClientRect();
        w.__keys.push(performance.now() - t0);
      });
    });
  });
  await search.focus();
  for (const q of queries) {
    await page.keyboard.type(q, { delay: 80 });
    for (let i = 0; i < q.length; i++) await page.keyboard.press('Backspace', { delay: 80 });
  }
  await page.waitForTimeout(200);
  return page.evaluate(() => (window as unknown as { __keys: number[] }).__keys);
}

/** Frame gaps (requestAnimationFrame deltas) and long tasks while a slider is dragged back and forth. */
async function drag(page: Page) {
  await page.getByRole('searchbox', { name: 'Search services' }).fill('reviews');
  await page.getByRole('option', { name: 'reviews in bookinfo' }).click();
  const slider = page.getByRole('slider', { name: 'Weight of v1' });
  await slider.waitFor();
  // The three live charts streaming (requests, success rate, p95), as the operator sees them while
  // moving traffic: wait until each has data, then keep them in the viewport with the slider.
  const panel = page.getByRole('region', { name: 'Live traffic' });
  for (const name of [
    /^Requests per second, latest: v1/,
    /^Success rate, latest: /,
    /^p95 latency, latest: /,
  ])
    await panel.getByRole('img', { name }).waitFor({ timeout: 90_000 });
  const box = await slider.boundingBox();
  if (!box) throw new Error('the slider of v1 has no box');
  const charts = await panel.locator('canvas').evaluateAll(
    (canvases) =>
      canvases.filter((c) => {
        const r = c.getBoundingClientRect();
        return r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
      }).length,
  );
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__long = [];
    window.__stop = false;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    function tick(t) {
      window.__frames.push(t - last);
      last = t;
      if (!window.__stop) requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  })()`);
  // The same observation without input first: what the page does on its own (events, charts).
  await page.waitForTimeout(4000);
  const idle = (await page.evaluate(`(() => {
    const out = { frames: window.__frames.slice(1), long: window.__long.slice() };
    window.__frames = [];
    window.__long = [];
    return out;
  })()`)) as { frames: number[]; long: number[] };
  const at = (await slider.boundingBox()) ?? box;
  const y = at.y + at.height / 2;
  await page.mouse.move(at.x + at.width * 0.5, y);
  await page.mouse.down();
  for (let pass = 0; pass < 4; pass++) {
    for (let i = 0; i <= 60; i++) {
      const f = pass % 2 === 0 ? i / 60 : 1 - i / 60;
      await page.mouse.move(at.x + at.width * (0.05 + 0.9 * f), y);
      await page.waitForTimeout(16);
    }
  }
  await page.mouse.up();
  await page.waitForTimeout(100);
  const { frames, long } = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __long: number[]; __stop: boolean };
    w.__stop = true;
    return { frames: w.__frames.slice(1), long: w.__long };
  });
  const discard = page.getByRole('button', { name: 'Discard changes' });
  const moved = await discard.isEnabled();
  if (moved) await discard.click();
  return { frames, long, charts, idle, moved };
}

const app = await startWebApp({
  root,
  env: { SWITCHYARD_DEMO_SERVICES: String(services) },
  args: ['--demo'],
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
let figures: Figure[] = [];
let details: Record<string, unknown> = {};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
  const renders: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto(app.url, { timeout: SYNC_WAIT_MS });
    renders.push(await listRender(page));
  }
  const shown = await page.getByText(/of \d+ services/).textContent();
  const keys = await keystrokes(page, ['svc-12', 'reviews', 'bookinfo']);
  const dragged = await drag(page);
  const over = dragged.frames.filter((f) => f > TARGET.frameMs);
  const dropped = dragged.frames.filter((f) => f > DROPPED_MS);
  const render = stats(renders.filter((ms) => !Number.isNaN(ms)));
  const emptyLists = renders.filter((ms) => Number.isNaN(ms)).length;
  const keystroke = stats(keys);
  const frame = stats(dragged.frames);
  const loadAvg1m = load1m();
  figures = [
    figure(
      `service list render after data arrives (${shown}), max of ${render.n} (${emptyLists} page load(s) whose list came empty while main synced left out)`,
      render.maxMs,
      'ms',
      TARGET.renderMs,
      {
        loadAvg1m,
      },
    ),
    figure('filter per keystroke, max', keystroke.maxMs, 'ms', TARGET.keystrokeMs, { loadAvg1m }),
    figure(
      `slider drag with ${dragged.charts} live chart(s) streaming: dropped frames (interval > ${DROPPED_MS} ms)`,
      dropped.length,
      'count',
      1,
      {
        loadAvg1m,
        note: `${dropped.length} of ${frame.n} frames; longest interval ${frame.maxMs} ms, median ${frame.medianMs} ms; longest task ${round(Math.max(0, ...dragged.long))} ms`,
      },
    ),
  ];
  details = {
    services: shown,
    listRenderAfterData: render,
    pageLoadsWhoseListCameEmpty: emptyLists,
    filterPerKeystroke: keystroke,
    sliderDrag: {
      frames: frame.n,
      medianFrameMs: frame.medianMs,
      maxFrameMs: frame.maxMs,
      framesOver16_7Ms: over.length,
      droppedFrames: dropped.length,
      longTasks: dragged.long.length,
      longestTaskMs: round(Math.max(0, ...dragged.long)),
      chartsOnScreen: dragged.charts,
      splitChanged: dragged.moved,
    },
    idleBeforeDrag: {
      frames: dragged.idle.frames.length,
      maxFrameMs: round(Math.max(0, ...dragged.idle.frames)),
      droppedFrames: dragged.idle.frames.filter((f) => f > DROPPED_MS).length,
      longTasks: dragged.idle.long.length,
    },
  };
} finally {
  await browser.close();
  await app.stop();
}
report(
  'console: service list with many services, filter per keystroke, slider drag frames',
  figures,
  details,
);
