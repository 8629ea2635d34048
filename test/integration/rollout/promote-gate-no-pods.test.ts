// A canary whose pods are all gone: the callers' proxies answer its share 503 (reported only by
// them, reporter="source"), so the promote gate must not call it healthy on its earlier figures,
// and promote must refuse to send all traffic to it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient } from '../demo/demo-api-client.ts';
import type { ConsoleDemo } from './console-demo.ts';
import { PAYMENT, readyRollout, startConsoleDemo, until } from './console-demo.ts';

let demo: ConsoleDemo;
beforeAll(async () => {
  demo = await startConsoleDemo({ http: true, requestsPerSecond: 300 });
});
afterAll(async () => {
  await demo?.stop();
});

it('does not judge a canary with no ready pods healthy, and refuses to promote it', async () => {
  const { h, mesh } = demo;
  const id = await readyRollout(h, PAYMENT, 'v2', 'ghcr.io/switchyard-demo/shop-payment:5.1.0');
  // The canary takes half of the catch-all route, and serves it well.
  const plan = await h['release.plan']({
    contextId: 'demo',
    releaseId: PAYMENT,
    desired: {
      split: [
        { version: 'v1', weight: 50 },
        { version: 'v2', weight: 50 },
      ],
      rules: (await h['release.get']({ contextId: 'demo', releaseId: PAYMENT })).rules.map((r) => ({
        id: r.id,
        version: r.version,
        enabled: r.enabled,
      })),
    },
  });
  expect((await h['release.apply']({ planId: plan.planId })).ok).toBe(true);
  await until(
    'a healthy verdict',
    async () => {
      const v = await h['rollout.health']({ contextId: 'demo', id });
      return v.status === 'healthy' && (v.verdict?.canaryRequests ?? 0) >= 400 ? v : undefined;
    },
    50_000,
  );

  // Then every canary pod goes (scaled to zero by someone, crashed, evicted…).
  const api = apiClient(mesh);
  const res = await api(
    'PATCH',
    '/apis/apps/v1/namespaces/shop/deployments/payment-v2',
    { spec: { replicas: 0 } },
    'application/merge-patch+json',
  );
  expect(res.status).toBe(200);
  await until(
    'payment-v2 to have no pods',
    async () => {
      const pods = await api(
        'GET',
        '/api/v1/namespaces/shop/pods?labelSelector=app%3Dpayment%2Cversion%3Dv2',
      );
      return pods.json.items.length === 0 ? true : undefined;
    },
    50_000,
  );
  // A few scrapes of callers getting 503 for the canary's half of the traffic.
  await new Promise((r) => setTimeout(r, 4000));

  const health = await h['rollout.health']({ contextId: 'demo', id });
  // Before the fix: the gate says 'healthy' ("v2 looks healthy next to v1 … success rate 100.0% …").
  expect(health.status, health.summary).not.toBe('healthy');
  await expect(h['rollout.promote']({ contextId: 'demo', id })).rejects.toThrow(/not promoting/);
}, 90_000);
