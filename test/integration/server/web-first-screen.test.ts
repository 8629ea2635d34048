// `switchyard web` serves each page with its first screen in it (main/server/first-screen-page.ts),
// rendered from the first calls' answers; the demo mesh, when it starts with the app, starts once
// the page has painted (it asks for its first lazy script). That it does not start before is held
// by test/unit/commands/web-first-screen.test.ts: here the demo's own start takes as long.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SwitchyardProcess, spawnSwitchyard } from '../../e2e/switchyard-process.ts';
import { PageSocket, WEB_TOKEN } from './web-process.ts';

const root = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'sy-web-first-'));
let proc: SwitchyardProcess;
let port = 0;

beforeAll(async () => {
  // A stand-in renderer: the page's first script, and one it asks for only once it has painted.
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(
    join(renderer, 'index.html'),
    '<!doctype html><html><head><script type="module" src="./assets/index.js"></script></head><body><div id="root"></div></body></html>',
  );
  writeFileSync(join(renderer, 'assets', 'index.js'), '');
  writeFileSync(join(renderer, 'assets', 'screen.js'), '');
  // Its build stamp (scripts/renderer-build-stamp.ts): built now, from no source of the repository.
  writeFileSync(join(renderer, 'build-stamp.json'), JSON.stringify({ builtAtMs: Date.now(), sources: [] }));
  proc = await startWeb(renderer, 'data');
  port = Number(proc.readyValue);
}, 60_000);
afterAll(async () => {
  await proc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `switchyard web` on `renderer`, with no kubeconfig: the demo mesh starts with the app. */
function startWeb(renderer: string, data: string): Promise<SwitchyardProcess> {
  return spawnSwitchyard({
    root,
    args: ['web', '--renderer', renderer],
    env: {
      ...process.env,
      SWITCHYARD_DATA_DIR: join(dir, data),
      SWITCHYARD_TOKEN: WEB_TOKEN,
      KUBECONFIG: join(dir, 'no-kubeconfig'),
    },
    ready: /ready: http:\/\/127\.0\.0\.1:(\d+)\//,
  });
}

async function demoRunning(socket: PageSocket): Promise<boolean> {
  const id = socket.id();
  const outcome = await socket.exchange(
    JSON.stringify({ type: 'call', id, channel: 'demo.status', payload: {} }),
    {
      id,
    },
  );
  if (outcome.kind !== 'result' || !outcome.result.ok)
    throw new Error(`demo.status: ${JSON.stringify(outcome)}`);
  return (outcome.result.value as { running: boolean }).running;
}

describe('switchyard web: the page with its first screen', () => {
  it('lists the demo mesh as starting in the page, and starts it once the page has painted', async () => {
    const page = await fetch(`http://127.0.0.1:${port}/?token=${WEB_TOKEN}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toMatch(/<li aria-label="Demo mesh">/);
    expect(html).toContain('<script id="switchyard-first" type="application/json">');
    expect(html).not.toContain('Reading your kubeconfig');
    await fetch(`http://127.0.0.1:${port}/assets/index.js`);

    const socket = await PageSocket.open(port);
    // The page painted: it asks for a script that is not one of its first.
    await fetch(`http://127.0.0.1:${port}/assets/screen.js`);
    const deadline = Date.now() + 30_000;
    while (!(await demoRunning(socket)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await demoRunning(socket)).toBe(true);
  }, 60_000);

  it('serves the page without it from a renderer built before its sources last changed, and says so', async () => {
    // A build older than a source it was made from (an edit not rebuilt, an older --renderer): the
    // server's render of the sources would not be what the page's scripts hydrate.
    const stale = join(dir, 'stale-renderer');
    mkdirSync(join(stale, 'assets'), { recursive: true });
    const index =
      '<!doctype html><html><head><script type="module" src="./assets/index.js"></script></head><body><div id="root"></div></body></html>';
    writeFileSync(join(stale, 'index.html'), index);
    writeFileSync(join(stale, 'assets', 'index.js'), '');
    writeFileSync(
      join(stale, 'build-stamp.json'),
      JSON.stringify({ builtAtMs: 0, sources: ['renderer/src/main.tsx'] }),
    );
    const old = await startWeb(stale, 'data-stale');
    try {
      const page = await fetch(`http://127.0.0.1:${old.readyValue}/?token=${WEB_TOKEN}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(index);
      // Printed once, as the server checked the build (stderr comes through a pipe: wait for it).
      await expect.poll(() => old.stderr()).toContain('renderer/src/main.tsx changed since');
      expect(old.stderr()).toContain('pages are served without their first screen until `npm run build`');
    } finally {
      await old.stop();
    }
  }, 60_000);
});
