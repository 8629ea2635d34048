import { z } from 'zod';
import { PlanView } from './console-schemas.ts';
import { NamespaceName } from './k8s-names.ts';
import { lazySchema } from './lazy-schema.ts';

// Fleets (issue 14): one service across several clusters (kubeconfig contexts), viewed side by side
// with its drift, and one change planned for every cluster, reviewed per cluster with its dry-run,
// and applied in waves: the canary cluster alone first, then the rest at most `maxParallel` at once,
// a hold and the health gate between waves. The first failure stops the waves; the operator then
// rolls back every changed cluster or keeps them.

export const FLEET_LIMITS = {
  // Each cluster's reviewed plan waits among the console's stored plans (at most 50) until its wave.
  maxClusters: 20,
  maxNameLength: 100,
  maxFleets: 100,
  maxHoldSeconds: 3600,
} as const;

export const FleetName = lazySchema(() =>
  z
    .string()
    .min(1, 'a fleet needs a name')
    .max(FLEET_LIMITS.maxNameLength, `a fleet's name is at most ${FLEET_LIMITS.maxNameLength} characters`)
    .regex(/^[^\n\r\t/\\]+$/, 'a fleet name may not hold a slash, a backslash, a tab or a line break'),
);

const Contexts = lazySchema(() =>
  z
    .array(z.string().min(1))
    .min(1, 'a fleet needs at least one context')
    .max(FLEET_LIMITS.maxClusters, `a fleet has at most ${FLEET_LIMITS.maxClusters} contexts`),
);

export const FleetSaved = lazySchema(() => z.object({ name: FleetName, contexts: Contexts }));
export type FleetSaved = z.infer<typeof FleetSaved>;

const FleetList = lazySchema(() => z.object({ fleets: z.array(FleetSaved) }));

/**
 * The change made in every cluster: a split of the catch-all route, all traffic to a version
 * (cut-over), back to one (rollback), or a saved draft (three-way merged with each cluster's live objects).
 */
export const FleetChangeInput = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('split'),
        split: z.array(z.object({ version: z.string().min(1), weight: z.number() }).strict()).min(1),
      })
      .strict(),
    z.object({ kind: z.literal('cutover'), version: z.string().min(1) }).strict(),
    z.object({ kind: z.literal('rollback'), version: z.string().min(1) }).strict(),
    z.object({ kind: z.literal('draft'), draftId: z.string().min(1) }).strict(),
  ]),
);
export type FleetChangeInput = z.infer<typeof FleetChangeInput>;

export const FleetPlanInput = lazySchema(() =>
  z
    .object({
      contexts: Contexts,
      namespace: NamespaceName,
      host: z.string().min(1).max(253),
      change: FleetChangeInput,
      /** Changed first, alone (default: the first context given that can take the change). */
      canary: z.string().optional(),
      /** Clusters changed at once after the canary (default 1). */
      maxParallel: z.number().int().min(1).max(FLEET_LIMITS.maxClusters).optional(),
      /** Hold after each wave but the last (default 60 s). */
      holdSeconds: z.number().int().min(0).max(FLEET_LIMITS.maxHoldSeconds).optional(),
      /** Whether the release plan's health gate judges each wave after its hold (default true). */
      gate: z.boolean().optional(),
    })
    .strict(),
);
export type FleetPlanInput = z.infer<typeof FleetPlanInput>;

export const FleetSkipKind = lazySchema(() =>
  z.enum(['service-missing', 'version-missing', 'read-only', 'unreachable', 'conflict']),
);

export const FleetClusterPlanView = lazySchema(() =>
  z.object({
    contextId: z.string(),
    /** The cluster's review: its steps with before/after and dry-run (absent when skipped). */
    plan: PlanView.optional(),
    skipped: z.object({ kind: FleetSkipKind, reason: z.string() }).optional(),
    /** The wave it is changed in (1-based; absent when skipped). */
    wave: z.number().int().optional(),
  }),
);

export const FleetPlanView = lazySchema(() =>
  z.object({
    fleetPlanId: z.string(),
    namespace: z.string(),
    host: z.string(),
    /** The change in words. */
    change: z.string(),
    canary: z.string(),
    maxParallel: z.number().int(),
    holdSeconds: z.number().int(),
    gate: z.boolean(),
    waves: z.array(z.array(z.string())),
    clusters: z.array(FleetClusterPlanView),
  }),
);
export type FleetPlanView = z.infer<typeof FleetPlanView>;

export const FleetClusterState = lazySchema(() =>
  z.enum(['pending', 'applying', 'applied', 'failed', 'skipped', 'rolling-back', 'rolled-back']),
);

export const FleetRunState = lazySchema(() =>
  z.enum([
    'running',
    'holding',
    'judging',
    'waiting-for-data',
    'stopped',
    'rolling-back',
    'completed',
    'kept',
    'rolled-back',
  ]),
);

export const FleetRunView = lazySchema(() =>
  z.object({
    runId: z.string(),
    namespace: z.string(),
    host: z.string(),
    change: z.string(),
    state: FleetRunState,
    waves: z.array(z.array(z.string())),
    /** Waves wholly applied. */
    wavesApplied: z.number().int(),
    /** While holding: when the hold ends (ms since the epoch). */
    holdEndsAt: z.number().optional(),
    /** The last gate read, per wave (1-based). */
    gates: z.array(
      z.object({ wave: z.number().int(), status: z.enum(['pass', 'fail', 'no-data']), reason: z.string() }),
    ),
    /** Why the waves stopped (the first failure, or the operator). */
    stopReason: z.string().optional(),
    clusters: z.array(
      z.object({
        contextId: z.string(),
        state: FleetClusterState,
        wave: z.number().int().optional(),
        /** The cluster's History entry for this change (its undo is the roll back). */
        historyId: z.string().optional(),
        undoHistoryId: z.string().optional(),
        message: z.string().optional(),
      }),
    ),
    startedAt: z.number(),
    finishedAt: z.number().optional(),
  }),
);
export type FleetRunView = z.infer<typeof FleetRunView>;

export const FleetDriftAspect = lazySchema(() => z.enum(['presence', 'versions', 'split', 'rules']));

export const FleetViewInput = lazySchema(() =>
  z
    .object({
      contexts: Contexts,
      /** One service (with `host`); absent: every service of the fleet. */
      namespace: NamespaceName.optional(),
      host: z.string().min(1).max(253).optional(),
      /** Read each cluster's health verdict (Prometheus) for the one service asked (default false). */
      health: z.boolean().optional(),
    })
    .strict(),
);

export const FleetRowView = lazySchema(() =>
  z.object({
    contextId: z.string(),
    releaseId: z.string().optional(),
    present: z.boolean(),
    versions: z.array(z.string()),
    split: z.array(z.object({ version: z.string(), weight: z.number() })).nullable(),
    rules: z.array(z.object({ name: z.string().optional(), version: z.string(), match: z.string() })),
    /** The health verdict's status and summary, when asked for. */
    health: z.object({ status: z.string(), summary: z.string() }).optional(),
    /** The aspects where this cluster differs from the others, each in one sentence. */
    drift: z.array(z.object({ aspect: FleetDriftAspect, words: z.string() })),
  }),
);

export const FleetServiceView = lazySchema(() =>
  z.object({
    key: z.string(),
    namespace: z.string(),
    host: z.string(),
    rows: z.array(FleetRowView),
  }),
);

export const FleetView = lazySchema(() =>
  z.object({
    /** Each context: reachable or why not (an unreachable cluster is a row of its own, never a failure of the view). */
    clusters: z.array(
      z.object({ contextId: z.string(), reachable: z.boolean(), reason: z.string().optional() }),
    ),
    services: z.array(FleetServiceView),
  }),
);
export type FleetView = z.infer<typeof FleetView>;

const RunRef = lazySchema(() => z.object({ runId: z.string() }).strict());

export const fleetCalls = {
  'fleet.list': { request: lazySchema(() => z.object({}).strict()), response: FleetList },
  /** Saves (or replaces) a named fleet. */
  'fleet.save': { request: lazySchema(() => FleetSaved.strict()), response: FleetList },
  'fleet.delete': { request: lazySchema(() => z.object({ name: FleetName }).strict()), response: FleetList },
  'fleet.view': { request: FleetViewInput, response: FleetView },
  /** Plans the change in every cluster with its dry-run, preflights each and plans the waves. */
  'fleet.plan': { request: FleetPlanInput, response: FleetPlanView },
  /** Starts the waves of a reviewed fleet plan. */
  'fleet.apply': {
    request: lazySchema(() => z.object({ fleetPlanId: z.string() }).strict()),
    response: FleetRunView,
  },
  'fleet.get': { request: RunRef, response: FleetRunView },
  /** Stops the waves after the cluster changes under way; the changed clusters stay until rollbackAll or keep. */
  'fleet.stop': { request: RunRef, response: FleetRunView },
  /** After a stop: undoes every changed cluster's change, newest first. */
  'fleet.rollbackAll': { request: RunRef, response: FleetRunView },
  /** After a stop: keeps the changed clusters as they are and ends the run. */
  'fleet.keep': { request: RunRef, response: FleetRunView },
} as const;

export const fleetEvents = {
  /** A fleet run moved: a wave applied, a hold began, a gate read, a failure, an outcome. */
  'fleet.progress': FleetRunView,
} as const;
