// Fleets over the console's services: saved fleets, the fleet view, a change planned for every
// cluster (each preflighted and reviewed with its dry-run, concurrently, so an unreachable cluster
// costs its own timeout and never the others'), its waves planned (shared/fleet), and the runs.

import { randomBytes } from 'node:crypto';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { FleetPlanInput, FleetPlanView } from '../../../shared/api/fleet-schemas.ts';
import type { PreflightOutcome } from '../../../shared/fleet/index.ts';
import { FleetPlanError, planWaves, skipReason } from '../../../shared/fleet/index.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import type { FleetDraft, FleetDrafts } from './fleet-draft.ts';
import type { ClusterJudge } from './fleet-gate.ts';
import { prometheusJudge } from './fleet-gate.ts';
import { changeWords, preflightCluster } from './fleet-preflight.ts';
import type { FleetPlanRecord, FleetRunsDependencies } from './fleet-runs.ts';
import { createFleetRuns } from './fleet-runs.ts';
import { createFleetStore } from './fleet-store.ts';
import type { FleetViewRequest } from './fleet-views.ts';
import { fleetView } from './fleet-views.ts';

export const DEFAULT_HOLD_SECONDS = 60;
const PLAN_LIMIT = 20;

export interface FleetServiceOptions extends Pick<FleetRunsDependencies, 'retryMs' | 'minWindowSeconds'> {
  dataDir: string;
  /** The gate's verdict per cluster (default: its Prometheus through the health verdict). */
  judge?: ClusterJudge;
  /** Opens a saved draft as the change (`{ kind: 'draft' }`); absent: such a change is refused. */
  drafts?: FleetDrafts;
}

/** The draft a change names, opened, for the same service as the plan's (else a clear refusal). */
async function openDraft(
  drafts: FleetDrafts | undefined,
  input: FleetPlanInput,
): Promise<FleetDraft | undefined> {
  if (input.change.kind !== 'draft') return undefined;
  if (!drafts) throw new ApiFailure('unavailable', 'drafts cannot be applied to a fleet here');
  const draft = await drafts(input.change.draftId);
  if (draft.namespace !== input.namespace || draft.host !== input.host)
    throw new ApiFailure(
      'invalid-request',
      `draft “${draft.name}” is for ${draft.host} in ${draft.namespace}, not ${input.host} in ${input.namespace}`,
    );
  return draft;
}

export function createFleetService(s: ConsoleServices, options: FleetServiceOptions) {
  const judge = options.judge ?? prometheusJudge(s);
  const store = createFleetStore(options.dataDir, {
    onProblem: (reason) => console.warn(`fleets: ${reason}`),
  });
  const runs = createFleetRuns({
    s,
    judge,
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
    ...(options.minWindowSeconds !== undefined ? { minWindowSeconds: options.minWindowSeconds } : {}),
  });
  const plans = new Map<string, FleetPlanRecord>();

  async function plan(input: FleetPlanInput): Promise<FleetPlanView> {
    const dupes = input.contexts.filter((c, i) => input.contexts.indexOf(c) !== i);
    if (dupes.length) throw new ApiFailure('invalid-request', `contexts: ${dupes.join(', ')} listed twice`);
    if (input.canary !== undefined && !input.contexts.includes(input.canary))
      throw new ApiFailure('invalid-request', `canary: '${input.canary}' is not one of the fleet's contexts`);
    const draft = await openDraft(options.drafts, input);
    const change = changeWords(input.change, draft);
    const target = {
      namespace: input.namespace,
      host: input.host,
      change: input.change,
      ...(draft ? { draft } : {}),
    };
    const description = `fleet: ${input.host}: ${change}`;
    const clusters = await Promise.all(
      input.contexts.map((c) => preflightCluster(s, c, target, description)),
    );
    const preflight: Record<string, PreflightOutcome> = Object.fromEntries(
      clusters.map((c) => [c.contextId, c.outcome]),
    );
    const canary = input.canary ?? clusters.find((c) => c.outcome.kind === 'ready')?.contextId;
    if (!canary) {
      const why = clusters.flatMap((c) =>
        c.outcome.kind === 'ready' ? [] : [skipReason(c.contextId, c.outcome)],
      );
      throw new ApiFailure('conflict', `no cluster of the fleet can take the change (${why.join('; ')})`);
    }
    let waves: ReturnType<typeof planWaves>;
    try {
      waves = planWaves({ clusters: input.contexts, canary, maxParallel: input.maxParallel ?? 1, preflight });
    } catch (err) {
      if (err instanceof FleetPlanError) throw new ApiFailure('invalid-request', err.message);
      throw err;
    }
    const holdSeconds = input.holdSeconds ?? DEFAULT_HOLD_SECONDS;
    const record: FleetPlanRecord = {
      fleetPlanId: `fleetplan-${randomBytes(6).toString('hex')}`,
      namespace: input.namespace,
      host: input.host,
      change,
      waves,
      holdMs: holdSeconds * 1000,
      gate: input.gate ?? true,
      clusters,
    };
    plans.set(record.fleetPlanId, record);
    while (plans.size > PLAN_LIMIT) plans.delete(plans.keys().next().value as string);
    const waveOf = new Map(waves.waves.flatMap((w, i) => w.map((c) => [c, i + 1] as const)));
    const skipped = new Map(waves.skipped.map((sk) => [sk.cluster, sk]));
    return {
      fleetPlanId: record.fleetPlanId,
      namespace: input.namespace,
      host: input.host,
      change,
      canary,
      maxParallel: input.maxParallel ?? 1,
      holdSeconds,
      gate: record.gate,
      waves: waves.waves,
      clusters: clusters.map((c) => {
        const sk = skipped.get(c.contextId);
        return {
          contextId: c.contextId,
          ...(c.plan && !sk ? { plan: c.plan } : {}),
          ...(sk ? { skipped: { kind: sk.kind, reason: sk.reason } } : {}),
          ...(waveOf.has(c.contextId) ? { wave: waveOf.get(c.contextId) } : {}),
        };
      }),
    };
  }

  return {
    list: () => store.list(),
    save: store.save,
    remove: store.remove,
    view: (req: FleetViewRequest) => fleetView(s, judge, req),
    plan,
    apply(fleetPlanId: string) {
      const record = plans.get(fleetPlanId);
      if (!record)
        throw new ApiFailure(
          'not-found',
          `fleet plan '${fleetPlanId}' is unknown or expired: review the change again`,
        );
      plans.delete(fleetPlanId);
      return runs.start(record);
    },
    runs,
    dispose: async () => {
      runs.dispose();
      await runs.settled();
    },
  };
}

export type FleetService = ReturnType<typeof createFleetService>;
