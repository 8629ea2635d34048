import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoMesh, startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import {
  havePrometheus,
  PROMETHEUS_BIN,
  type RealPrometheus,
  startRealPrometheus,
} from '../../helpers/real-prometheus.ts';

const DEMO_PROMETHEUS = '/api/v1/namespaces/istio-system/services/prometheus:9090/proxy';
const SHARES =
  'sum by (destination_version) (rate(istio_requests_total{destination_service=~"reviews.*"}[10s]))';

type Shares = Record<string, number>;

/** GET over HTTPS against the demo API server, trusting its CA and sending the admin token. */
function demoGet(mesh: DemoMesh, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${mesh.url}${path}`,
      { ca: mesh.caCert, headers: { Authorization: `Bearer ${mesh.tokens.admin}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function demoPatch(mesh: DemoMesh, path: string, patch: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(patch);
    const req = request(
      `${mesh.url}${path}`,
      {
        method: 'PATCH',
        ca: mesh.caCert,
        headers: {
          Authorization: `Bearer ${mesh.tokens.admin}`,
          'Content-Type': 'application/json-patch+json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function toShares(json: string): Shares {
  const parsed = JSON.parse(json) as {
    status: string;
    data?: { result: Array<{ metric: { destination_version?: string }; value: [number, string] }> };
  };
  const rows = parsed.data?.result ?? [];
  const total = rows.reduce((n, r) => n + Number(r.value[1]), 0);
  if (!(total > 0)) return {};
  return Object.fromEntries(
    rows.map((r) => [r.metric.destination_version ?? '', (100 * Number(r.value[1])) / total]),
  );
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const near = (shares: Shares, want: Shares, points: number) =>
  Object.entries(want).every(([v, share]) => Math.abs((shares[v] ?? 0) - share) <= points);

describe.skipIf(!havePrometheus)(
  `a real Prometheus scraping the demo mesh${havePrometheus ? '' : ` (skipped: no Prometheus binary at ${PROMETHEUS_BIN}; apt-get install prometheus)`}`,
  () => {
    let mesh: DemoMesh;
    let prometheus: RealPrometheus | undefined;
    let promUrl = '';

    const realShares = async () => {
      const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(SHARES)}`);
      return toShares(await res.text());
    };
    const demoShares = async () => {
      const res = await demoGet(mesh, `${DEMO_PROMETHEUS}/api/v1/query?query=${encodeURIComponent(SHARES)}`);
      expect(res.status).toBe(200);
      return toShares(res.body);
    };

    beforeAll(async () => {
      mesh = await startDemoMesh({ seed: 1, requestsPerSecond: 150, podReadyDelayMs: 50 });
      prometheus = await startRealPrometheus(mesh);
      promUrl = prometheus.url;
    }, 40_000);

    afterAll(async () => {
      await prometheus?.stop();
      await mesh?.stop();
    });

    it('sees the VirtualService shares in both Prometheus APIs and follows a weight change', async () => {
      // reviews: v1 80 / v2 10 / v3 10, plus the few jason (→ v2) and x-canary (→ v3) visitors.
      const initial = { v1: 80, v2: 10, v3: 10 };
      let real: Shares = {};
      await waitFor(
        `real Prometheus shares near ${JSON.stringify(initial)} (last ${JSON.stringify(real)}; log: ${prometheus?.log()})`,
        20_000,
        async () => {
          real = await realShares();
          return near(real, initial, 5);
        },
      );
      let demo: Shares = {};
      await waitFor('the demo Prometheus to agree with the real one within 5 points', 12_000, async () => {
        [demo, real] = await Promise.all([demoShares(), realShares()]);
        return near(demo, real, 5) && near(demo, initial, 5);
      });
      expect(near(demo, real, 5), `demo ${JSON.stringify(demo)} vs real ${JSON.stringify(real)}`).toBe(true);

      const status = await demoPatch(
        mesh,
        '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews',
        [
          { op: 'test', path: '/spec/http/2/route/1/weight', value: 10 },
          { op: 'replace', path: '/spec/http/2/route/0/weight', value: 40 },
          { op: 'replace', path: '/spec/http/2/route/1/weight', value: 50 },
        ],
      );
      expect(status).toBe(200);
      const changed = { v1: 40, v2: 50, v3: 10 };
      const start = Date.now();
      // A 10 s rate window and 1-2 s scrapes follow a change in about 10-15 s on a quiet machine; the
      // bound is generous so a busy one does not fail it, and the time taken is printed.
      await waitFor(`both APIs to show ${JSON.stringify(changed)}`, 40_000, async () => {
        [demo, real] = await Promise.all([demoShares(), realShares()]);
        // Each within 5 points of the new split can still be 10 apart: wait for them to agree too.
        return near(real, changed, 5) && near(demo, changed, 5) && near(demo, real, 5);
      });
      console.log(
        JSON.stringify({ figure: 'weight change seen by both Prometheus APIs', ms: Date.now() - start }),
      );
      expect(near(demo, real, 5)).toBe(true);
    }, 90_000);
  },
);
