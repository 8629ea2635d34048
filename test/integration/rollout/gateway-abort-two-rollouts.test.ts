// Two rollouts on one Gateway API route, aborted in turn: each abort takes its own backendRef out of
// the catch-all as the route is then, its share back to the stable version. Aborting the first keeps
// the second's backend; aborting the second never writes back the first's deleted Service (which
// restoring the refs saved when the second was added would: 10% of requests to a missing Service).

import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { watcherFromWatchCache } from '../../../main/core/apply/watch-cache-adapter.ts';
import { createReleaseStateStore } from '../../../main/core/rollout/rollout-state-store.ts';
import { createRolloutWorkflow } from '../../../main/core/rollout/rollout-workflow.ts';
import { readGatewayApiReleases } from '../../../shared/mesh/read/index.ts';
import type { Harness } from '../apply/demo-harness.ts';
import { startHarness } from '../apply/demo-harness.ts';
import { ensureStorefrontSearch } from './gateway-fixture.ts';

const NS = 'storefront';
const RELEASE = 'gateway-api:storefront/search';
const route = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  namespace: NS,
  name: 'search',
};
const IMAGE = 'registry.example.com/storefront/search:2.1.0';
let h: Harness;

function workflow() {
  return createRolloutWorkflow({
    api: h.api,
    engine: h.engine,
    store: createReleaseStateStore(join(h.dataDir, 'releases')),
    watcher: watcherFromWatchCache(h.cache),
    context: 'demo-admin',
    user: 'demo-admin',
    rolloutTimeoutMs: 20_000,
  });
}
async function split(): Promise<Record<string, number>> {
  const r = readGatewayApiReleases([await h.api.get(route)])[0]!;
  return Object.fromEntries((r.defaultRoute?.destinations ?? []).map((d) => [d.version, d.weight]));
}
const serviceExists = (name: string) =>
  h.api.get({ apiVersion: 'v1', kind: 'Service', namespace: NS, name }).then(
    () => true,
    (err: { status?: number }) => (err.status === 404 ? false : Promise.reject(err)),
  );

beforeAll(async () => {
  h = await startHarness({
    demo: { requestsPerSecond: 20, podReadyDelayMs: 100 },
    pauseMs: 50,
    namespaces: [NS],
  });
  await ensureStorefrontSearch(h.api);
  await new Promise((r) => setTimeout(r, 1000));
});
afterAll(async () => {
  await h?.stop();
});

it('each abort takes out only its own backend and never routes to a Service that no longer exists', async () => {
  const wf = workflow();
  const a = await wf.start({
    serviceReleaseId: RELEASE,
    namespace: NS,
    stableVersion: 'search-v1',
    version: 'v2',
    image: IMAGE,
    replicas: 1,
  });
  await wf.route(a.id, [
    { version: 'search-v1', weight: 90 },
    { version: 'search-v2', weight: 10 },
  ]);
  // A second release on the same route (another team member's v3) while v2 takes 10%.
  const b = await wf.start({
    serviceReleaseId: RELEASE,
    namespace: NS,
    stableVersion: 'search-v1',
    version: 'v3',
    image: IMAGE,
    replicas: 1,
  });
  expect(await split()).toEqual({ 'search-v1': 90, 'search-v2': 10, 'search-v3': 0 });

  await wf.abort(a.id); // v2: out of the route, its Service and Deployment deleted
  expect(await serviceExists('search-v2')).toBe(false);
  // v2's 10% back to v1; v3, another rollout's backend, stays listed.
  expect(await split()).toEqual({ 'search-v1': 100, 'search-v3': 0 });
  await wf.abort(b.id);

  const after = await split();
  expect(after, JSON.stringify(after)).not.toHaveProperty('search-v2');
  expect(after).toEqual({ 'search-v1': 100 });
}, 60_000);
