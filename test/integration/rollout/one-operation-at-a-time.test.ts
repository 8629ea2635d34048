// Promote and abort sent together on one release: one runs, the other is told it is still working.
// rollouts.operate used to mark its operation running only after three awaits (writable session,
// load, workflowFor), so both passed the check and ran interleaved.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';

const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';
let mesh: DemoMesh;
let h: ReturnType<typeof createConsoleHandlers>;

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const defaultSplit = () => {
  const type = mesh.store.typeFor('networking.istio.io/v1', 'VirtualService')!;
  const vs = mesh.store.get(type, 'shop', 'payment')!;
  const http = (vs.spec as { http: Array<{ name?: string; route: unknown[] }> }).http;
  const def = http.find((r) => r.name === 'default') as {
    route: Array<{ destination: { subset: string }; weight?: number }>;
  };
  return Object.fromEntries(def.route.map((d) => [d.destination.subset, d.weight ?? 100]));
};

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 300, scrapeIntervalMs: 1000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-review-ops-'));
  h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    demoRequests: demoSampleRequests,
    pauseMs: 10,
    rolloutTimeoutMs: 20_000,
  });
  await h['sessions.open']({ contextId: 'demo' });
});
afterAll(async () => {
  await h?.dispose();
  await mesh?.stop();
});

it('runs one operation on a release at a time: an abort and a promote sent together do not both run', async () => {
  const started = await h['rollout.start']({
    contextId: 'demo',
    releaseId: PAYMENT,
    fromVersion: 'v1',
    newVersion: 'v2',
    image: 'ghcr.io/switchyard-demo/shop-payment:5.1.0',
    replicas: 1,
  });
  const id = started.id;
  await until('ready', async () => {
    const w = (await h['rollout.list']({ contextId: 'demo' })).rollouts.find((r) => r.id === id);
    return w?.phase === 'ready' && !w.running ? w : undefined;
  });
  // The canary is healthy, so promote's health gate (a Prometheus read) lets it through.
  await until('a healthy verdict', async () => {
    const v = await h['rollout.health']({ contextId: 'demo', id });
    return v.status === 'healthy' ? v : undefined;
  });
  // The operator clicks Promote; the abort (a second window, a teammate, the CLI) comes with it.
  const [promote, abort] = await Promise.allSettled([
    h['rollout.promote']({ contextId: 'demo', id }),
    h['rollout.abort']({ contextId: 'demo', id }),
  ]);
  const deployment = mesh.store.get(mesh.store.typeFor('apps/v1', 'Deployment')!, 'shop', 'payment-v2')!;
  const state = (await h['rollout.list']({ contextId: 'demo' })).rollouts.find((r) => r.id === id);
  const outcome = {
    promote: promote.status === 'fulfilled' ? promote.value.phase : String(promote.reason),
    abort: abort.status === 'fulfilled' ? abort.value.phase : String(abort.reason),
    savedPhase: state?.phase ?? 'finished (not listed)',
    route: defaultSplit(),
    canaryReplicas: (deployment.spec as { replicas: number }).replicas,
  };
  // FAILS: both are fulfilled ({ promote: 'promoted', abort: 'aborted', … }): the operator is told
  // the release was promoted while it was aborted, and the two wrote the route one after the other.
  expect(
    [promote, abort].filter((r) => r.status === 'rejected' && /still working/.test(String(r.reason))),
    JSON.stringify(outcome),
  ).toHaveLength(1);
}, 60_000);
