// Two browser-mode pages on the real web server, app core and demo mesh: what one page does (hide,
// close, reload) leaves the other page's live metrics running (issue 18).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppCore } from '../../../main/core/app-core.ts';
import { createAppCore } from '../../../main/core/app-core.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import type { MetricsSnapshot } from '../../../shared/api/metrics-schemas.ts';
import { REVIEWS, waitFor } from './metrics-harness.ts';

const TOKEN = 'per-page-metrics-token';

/** One browser page: a socket to the server, its calls, and the metrics points it was sent. */
interface Page {
  ws: WebSocket;
  call(channel: string, payload: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
  /** metrics.update events that carried at least one point. */
  points: MetricsSnapshot[];
  close(): Promise<void>;
}

async function openPage(server: WebServer): Promise<Page> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`, {
    origin: `http://127.0.0.1:${server.port}`,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (r: never) => void>();
  const points: MetricsSnapshot[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === 'result') pending.get(frame.id)?.(frame.result as never);
    else if (frame.event === 'metrics.update') {
      const s = frame.payload as MetricsSnapshot;
      if (s.state === 'live' && s.series.some((v) => v.t.length > 0)) points.push(s);
    }
  });
  return {
    ws,
    points,
    call(channel, payload) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, channel, payload }));
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

const subscription = { contextId: 'demo', releaseId: REVIEWS, intervalMs: 1000, windowSeconds: 300 };

/** Waits until the page has been sent `more` further points than it had. */
const morePoints = (page: Page, more: number) => {
  const want = page.points.length + more;
  return waitFor(
    `${more} more points`,
    20_000,
    async () => (page.points.length >= want ? true : undefined),
    100,
  );
};

describe('live metrics per browser page, over the real socket', () => {
  let mesh: DemoMesh;
  let core: AppCore;
  let server: WebServer;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-metrics-pages-'));
    const rendererDir = mkdtempSync(join(tmpdir(), 'sy-metrics-pages-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Switchyard</title>');
    core = createAppCore({
      mode: 'web',
      version: '0.0.0-test',
      dataDir,
      env: { KUBECONFIG: join(dataDir, 'none') },
      startDemo: async () => {
        mesh = await startDemoMesh({ seed: 1, requestsPerSecond: 200, podReadyDelayMs: 0 });
        return { url: mesh.url, kubeconfigPath: mesh.kubeconfigPath, stop: () => mesh.stop() };
      },
    });
    await core.handlers['demo.open']({});
    await core.handlers['sessions.open']({ contextId: 'demo' });
    await core.handlers['services.list']({ contextId: 'demo' });
    server = await startWebServer({
      rendererDir,
      token: TOKEN,
      handlers: core.handlers,
      subscribe: (sink, clientId) => core.subscribe(sink, clientId),
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await core?.dispose();
  });

  it('keeps a page live while another page is hidden, then closed, and answers a reloaded page live at once', async () => {
    // Prometheus needs a few scrapes before the window holds a point.
    const a = await openPage(server);
    await waitFor('traffic to reviews', 30_000, async () => {
      const r = await a.call('metrics.subscribe', subscription);
      const s = r.value as MetricsSnapshot | undefined;
      return s?.series.some((v) => v.t.length > 0) ? true : undefined;
    });
    const b = await openPage(server);
    const bFirst = (await b.call('metrics.subscribe', subscription)).value as MetricsSnapshot;
    expect(bFirst.state).toBe('live');

    // Page A goes hidden: A stops receiving, B does not.
    expect((await a.call('metrics.visibility', { visible: false })).value).toEqual({ paused: true });
    const aWhileHidden = a.points.length;
    await morePoints(b, 3);
    expect(a.points.length).toBeLessThanOrEqual(aWhileHidden + 1); // at most one tick already in flight

    // Page A closes: B keeps receiving.
    await a.close();
    await morePoints(b, 3);

    // A reloads: a new socket, a fresh subscription answered live with the whole window at once,
    // and appended points after it.
    const started = performance.now();
    const reloaded = await openPage(server);
    const fresh = (await reloaded.call('metrics.subscribe', { ...subscription, visible: true }))
      .value as MetricsSnapshot;
    const msToFirstPoint = performance.now() - started;
    expect(fresh.state).toBe('live');
    expect(fresh.mode).toBe('replace');
    expect(fresh.series.some((v) => v.t.length > 0)).toBe(true);
    console.log(
      JSON.stringify({
        figure: 'socket open + subscribe to first point (ms)',
        value: Math.round(msToFirstPoint),
      }),
    );
    await morePoints(reloaded, 2);
    await morePoints(b, 1);

    // B unsubscribing touches only B's subscription.
    expect((await b.call('metrics.unsubscribe', { contextId: 'demo', releaseId: REVIEWS })).value).toEqual({
      unsubscribed: true,
    });
    await morePoints(reloaded, 2);
    await b.close();
    await reloaded.close();
  }, 120_000);
});
