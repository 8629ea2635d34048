// fleet.view: every cluster's releases read through its session (unreachable clusters answered as
// such, never failing the view), matched by namespace and host (shared/fleet), one row per cluster
// with its versions, split, rules, drift and, when asked for one service, its health verdict.

import type { FleetView } from '../../../shared/api/fleet-schemas.ts';
import type { ClusterReleases, FleetService } from '../../../shared/fleet/index.ts';
import { fleetDrift, matchFleetServices } from '../../../shared/fleet/index.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import type { ClusterJudge } from './fleet-gate.ts';
import { reachSession } from './fleet-preflight.ts';

export interface FleetViewRequest {
  contexts: string[];
  namespace?: string | undefined;
  host?: string | undefined;
  health?: boolean | undefined;
}

const HEALTH_WINDOW_SECONDS = 300;

async function healthOf(
  judge: ClusterJudge,
  contextId: string,
  service: FleetService,
): Promise<{ status: string; summary: string } | undefined> {
  const summary = service.clusters.find((c) => c.cluster === contextId);
  if (!summary?.split) return undefined;
  const bySize = [...summary.split].sort((a, b) => b.weight - a.weight);
  const stable = bySize[0]?.version;
  const canary = bySize.find((x) => x.version !== stable && x.weight > 0)?.version ?? stable;
  if (!canary) return undefined;
  const v = await judge({ contextId, releaseId: summary.releaseId, canary, stable }, HEALTH_WINDOW_SECONDS);
  return 'none' in v ? { status: 'unknown', summary: v.none } : { status: v.status, summary: v.summary };
}

export async function fleetView(
  s: ConsoleServices,
  judge: ClusterJudge,
  req: FleetViewRequest,
): Promise<FleetView> {
  const reached = await Promise.all(req.contexts.map(async (c) => ({ c, r: await reachSession(s, c) })));
  const clusters = reached.map(({ c, r }) =>
    typeof r === 'string' ? { contextId: c, reachable: false, reason: r } : { contextId: c, reachable: true },
  );
  const fleet: ClusterReleases[] = reached.flatMap(({ c, r }) =>
    typeof r === 'string' ? [] : [{ cluster: c, releases: r.releases?.releases() ?? [] }],
  );
  const services = matchFleetServices(fleet).filter(
    (svc) => (!req.namespace || svc.namespace === req.namespace) && (!req.host || svc.host === req.host),
  );
  const one = req.health && req.host && services.length === 1;
  const out: FleetView['services'] = [];
  for (const svc of services) {
    const drift = fleetDrift(svc);
    const rows = await Promise.all(
      fleet.map(async ({ cluster }) => {
        const summary = svc.clusters.find((c) => c.cluster === cluster);
        const health = one ? await healthOf(judge, cluster, svc) : undefined;
        return {
          contextId: cluster,
          ...(summary ? { releaseId: summary.releaseId } : {}),
          present: summary !== undefined,
          versions: summary?.versions ?? [],
          split: summary?.split ?? null,
          rules: summary?.rules ?? [],
          ...(health ? { health } : {}),
          drift: drift.items
            .filter((i) => i.cluster === cluster)
            .map((i) => ({ aspect: i.aspect, words: i.words })),
        };
      }),
    );
    out.push({ key: svc.key, namespace: svc.namespace, host: svc.host, rows });
  }
  return { clusters, services: out };
}
