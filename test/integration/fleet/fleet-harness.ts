import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEvent } from '../../../main/core/api-dispatch.ts';
import type { FleetServiceOptions } from '../../../main/core/fleet/fleet-service.ts';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoFleet } from '../../../main/demo/fleet/demo-fleet.ts';
import { startDemoFleet } from '../../../main/demo/fleet/demo-fleet.ts';
import type { FleetRunView } from '../../../shared/api/fleet-schemas.ts';
import { apiClient, type LooseJson } from '../demo/demo-api-client.ts';

// A demo fleet (plain HTTP, one mesh per cluster) and the console's handlers over its kubeconfig,
// with every fleet.progress event kept, for the fleet integration tests and the benchmark.

export const REVIEWS_HOST = 'reviews.bookinfo.svc.cluster.local';
export const VS_PATH = '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews';

export interface FleetHarness {
  fleet: DemoFleet;
  handlers: ReturnType<typeof createConsoleHandlers>;
  /** `kube:demo-eu-1-admin`, …: each cluster's admin context id, in the fleet's order. */
  contexts: string[];
  progress: FleetRunView[];
  dispose(): Promise<void>;
}

export async function startFleetHarness(
  clusters: number,
  opts: {
    requestsPerSecond?: number;
    scrapeIntervalMs?: number;
    fleet?: Omit<FleetServiceOptions, 'dataDir'>;
  } = {},
): Promise<FleetHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-fleet-'));
  const fleet = await startDemoFleet({
    clusters,
    kubeconfigPath: join(dataDir, 'kubeconfig'),
    http: true,
    podReadyDelayMs: 0,
    requestsPerSecond: opts.requestsPerSecond ?? 5,
    ...(opts.scrapeIntervalMs !== undefined ? { scrapeIntervalMs: opts.scrapeIntervalMs } : {}),
  });
  const progress: FleetRunView[] = [];
  const handlers = createConsoleHandlers({
    dataDir: join(dataDir, 'data'),
    env: { KUBECONFIG: fleet.kubeconfigPath },
    // As app-core does: every event is checked against the contract before it is sent.
    emit: (event, payload) => {
      const checked = checkEvent(event, payload);
      if (event === 'fleet.progress') progress.push(checked as FleetRunView);
    },
    pauseMs: 10,
    ...(opts.fleet ? { fleet: opts.fleet } : {}),
  });
  return {
    fleet,
    handlers,
    contexts: fleet.clusters.map((c) => `kube:${c.name}-admin`),
    progress,
    async dispose() {
      await handlers.dispose();
      await fleet.stop();
    },
  };
}

/** Waits until the run reaches one of `states` (polling fleet.get). */
export async function runUntil(
  h: FleetHarness,
  runId: string,
  states: FleetRunView['state'][],
  ms = 60_000,
): Promise<FleetRunView> {
  const end = Date.now() + ms;
  for (;;) {
    const view = await h.handlers['fleet.get']({ runId });
    if (states.includes(view.state)) return view;
    if (Date.now() > end) throw new Error(`fleet run ${runId} is ${view.state}, not ${states.join('/')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The reviews VirtualService's spec in cluster i, as its API server has it. */
export async function reviewsSpec(h: FleetHarness, i: number): Promise<LooseJson> {
  const cluster = h.fleet.clusters[i];
  if (!cluster) throw new Error(`no cluster ${i}`);
  const res = await apiClient(cluster.mesh)('GET', VS_PATH);
  if (res.status !== 200) throw new Error(`GET reviews in ${cluster.name}: ${res.status} ${res.text}`);
  return res.json.spec;
}

/** The catch-all route's weights in cluster i: `v1=50,v2=50`. */
export async function reviewsCatchAll(h: FleetHarness, i: number): Promise<string> {
  const spec = await reviewsSpec(h, i);
  const route = (spec.http as LooseJson[]).find((r) => r.name === 'default');
  return (route.route as LooseJson[]).map((d) => `${d.destination.subset}=${d.weight ?? 100}`).join(',');
}
