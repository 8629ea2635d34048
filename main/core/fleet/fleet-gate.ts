// The health gate between waves: each cluster of the wave judged by the release plan's health
// verdict (the canary version against the stable one, from that cluster's Prometheus, over the
// hold), and the wave's outcome: fail when any cluster is worse, no data when any cannot be judged
// yet, else pass; the reason names every cluster's verdict.

import type { WaveGateOutcome } from '../../../shared/fleet/index.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { HealthVerdict } from '../../../shared/metrics/health-verdict.ts';
import { judgeRelease } from '../rollout/rollout-health.ts';
import type { ConsoleServices } from '../services/console-services.ts';

/** What the gate knows of one cluster of the wave. */
export interface GateCluster {
  contextId: string;
  releaseId: string;
  canary: string;
  stable: string | undefined;
}

/** One cluster's verdict, or why there is none; tests give their own. */
export type ClusterJudge = (
  c: GateCluster,
  windowSeconds: number,
) => Promise<HealthVerdict | { none: string }>;

/** The verdict from the context's Prometheus (the same one the charts and the promote gate read). */
export function prometheusJudge(s: ConsoleServices): ClusterJudge {
  return async (c, windowSeconds) => {
    let release: ServiceRelease;
    try {
      release = s.releaseOf(await s.ready(c.contextId), c.releaseId);
    } catch (err) {
      return { none: (err as Error).message };
    }
    const p = await s.prometheus(c.contextId);
    if ('none' in p) return { none: `no Prometheus to judge it by: ${p.none}` };
    try {
      return await judgeRelease({
        client: p,
        release,
        canary: c.canary,
        stable: c.stable ?? c.canary,
        windowSeconds,
      });
    } catch (err) {
      return { none: `the health query failed: ${(err as Error).message}` };
    }
  };
}

/** The gate's outcome for a wave. */
export async function judgeWave(
  wave: number,
  clusters: readonly GateCluster[],
  windowSeconds: number,
  judge: ClusterJudge,
): Promise<WaveGateOutcome> {
  const verdicts = await Promise.all(clusters.map(async (c) => ({ c, v: await judge(c, windowSeconds) })));
  const words = verdicts.map(({ c, v }) => `${c.contextId}: ${'none' in v ? v.none : v.summary}`);
  const worse = verdicts.some(({ v }) => !('none' in v) && v.status === 'worse');
  const unjudged = verdicts.some(({ v }) => 'none' in v || v.status === 'not-enough-traffic');
  const status = worse ? 'fail' : unjudged ? 'no-data' : 'pass';
  return { wave, status, reason: `wave ${wave + 1} health gate ${status}: ${words.join('; ')}` };
}
