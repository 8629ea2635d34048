// Promote and abort sent together on one release: one runs, the other is told it is still working.
// rollouts.operate used to mark its operation running only after three awaits (writable session,
// load, workflowFor), so both passed the check and ran interleaved.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConsoleDemo } from './console-demo.ts';
import { defaultSplit, PAYMENT, readyRollout, startConsoleDemo, until } from './console-demo.ts';

let demo: ConsoleDemo;
beforeAll(async () => {
  demo = await startConsoleDemo({ requestsPerSecond: 300 });
});
afterAll(async () => {
  await demo?.stop();
});

it('runs one operation on a release at a time: an abort and a promote sent together do not both run', async () => {
  const { h, mesh } = demo;
  const id = await readyRollout(h, PAYMENT, 'v2', 'ghcr.io/switchyard-demo/shop-payment:5.1.0');
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
    route: defaultSplit(mesh, 'shop', 'payment'),
    canaryReplicas: (deployment.spec as { replicas: number }).replicas,
  };
  // FAILS: both are fulfilled ({ promote: 'promoted', abort: 'aborted', … }): the operator is told
  // the release was promoted while it was aborted, and the two wrote the route one after the other.
  expect(
    [promote, abort].filter((r) => r.status === 'rejected' && /still working/.test(String(r.reason))),
    JSON.stringify(outcome),
  ).toHaveLength(1);
}, 60_000);
