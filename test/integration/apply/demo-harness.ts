// The real stack against the demo mesh over HTTPS: E's HTTP client and watch cache, our KubeApi
// (counted), the apply engine confirming through the cache, and a history in a temp data dir.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import { verifyThroughWatchCache } from '../../../main/core/apply/watch-cache-adapter.ts';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import { watchedResources } from '../../../main/core/cluster/cluster-resources.ts';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import type { WatchCache } from '../../../main/core/cluster/watch-cache.ts';
import { createWatchCache } from '../../../main/core/cluster/watch-cache.ts';
import type { HistoryStore } from '../../../main/core/history/history-store.ts';
import { createHistoryStore } from '../../../main/core/history/history-store.ts';
import type { KubeApi } from '../../../main/core/kube-api.ts';
import { countingKubeApi, createKubeApi } from '../../../main/core/kube-api.ts';
import type { DemoMesh, DemoMeshOptions } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { isPodReady } from '../../../main/demo/sim/replica-set-pods.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';

export const REVIEWS_ID = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

export interface Harness {
  demo: DemoMesh;
  cache: WatchCache;
  api: KubeApi;
  counts: Record<string, number>;
  resetCounts(): void;
  engine: ApplyEngine;
  history: HistoryStore;
  dataDir: string;
  /** A KubeApi with the read-only demo-viewer's token. */
  viewerApi: KubeApi;
  objects(namespace?: string): KubeObject[];
  release(id?: string): ServiceRelease;
  stop(): Promise<void>;
}

function clientFor(yaml: string, context: string) {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  kc.setCurrentContext(context);
  return createKubeHttpClient(kc);
}

async function untilPodsReady(demo: DemoMesh, timeoutMs = 20_000): Promise<void> {
  const podType = demo.store.typeFor('v1', 'Pod');
  const end = Date.now() + timeoutMs;
  while (podType && !demo.store.list(podType).every(isPodReady)) {
    if (Date.now() > end) throw new Error(`the demo's pods were not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startHarness(
  opts: { pauseMs?: number; demo?: DemoMeshOptions; namespaces?: string[] } = {},
): Promise<Harness> {
  const demo = await startDemoMesh({ podReadyDelayMs: 50, ...opts.demo });
  // The demo's pods start not ready (podReadyDelayMs): requests meanwhile get 503 UH. A test that
  // counts 503s from its own change starts counting once the mesh is warm, not while it warms up.
  await untilPodsReady(demo);
  const client = clientFor(demo.kubeconfigYaml, 'demo-admin');
  const cache = createWatchCache({
    client,
    resources: watchedResources(['v1'], ['v1']),
    namespaces: opts.namespaces ?? ['bookinfo'],
    clock: systemClock,
    batchIntervalMs: 20,
  });
  cache.start();
  await cache.whenSynced(20_000);
  const counting = countingKubeApi(createKubeApi(client));
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-apply-'));
  const history = createHistoryStore({ dir: join(dataDir, 'history') });
  const engine = createApplyEngine({
    api: counting.api,
    verify: verifyThroughWatchCache(cache),
    history,
    pauseMs: opts.pauseMs ?? 200,
  });
  const objects = (namespace = 'bookinfo') =>
    [...cache.all()].filter((o) => (o.metadata.namespace ?? 'default') === namespace);
  return {
    demo,
    cache,
    api: counting.api,
    counts: counting.counts,
    resetCounts: counting.reset,
    engine,
    history,
    dataDir,
    viewerApi: createKubeApi(clientFor(demo.kubeconfigYaml, 'demo-viewer')),
    objects,
    release(id = REVIEWS_ID) {
      const r = readIstioReleases(objects(id.slice(id.indexOf(':') + 1, id.indexOf('/')))).find(
        (x) => x.id === id,
      );
      if (!r) throw new Error(`no release ${id} in the cache`);
      return r;
    },
    async stop() {
      await cache.stop();
      await demo.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type RouteList = Array<{
  name?: string;
  route?: Array<{ destination: { subset?: string }; weight?: number }>;
  retries?: Record<string, unknown>;
  timeout?: string;
}>;

/** `{ v1: 80, v2: 10, v3: 10 }` of the catch-all route named 'default'. */
export function splitOf(vs: KubeObject | undefined): Record<string, number> {
  const http = (vs?.spec as { http?: RouteList } | undefined)?.http ?? [];
  const def = http.find((r) => r.name === 'default') ?? http.at(-1);
  return Object.fromEntries((def?.route ?? []).map((d) => [d.destination.subset ?? '', d.weight ?? 100]));
}

export function defaultRoute(vs: KubeObject | undefined) {
  const http = (vs?.spec as { http?: RouteList } | undefined)?.http ?? [];
  return http.find((r) => r.name === 'default');
}
