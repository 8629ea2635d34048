import { z } from 'zod';
import { HistoryEntryView, PlanView, RolloutPlanId } from './console-schemas.ts';
import { lazySchema } from './lazy-schema.ts';
import { HealthVerdictView } from './metrics-schemas.ts';

// "All traffic to one version" (switch, roll back) with what happens to each content rule, and the
// wizard's promote gate: the canary's health next to the stable version it replaces.

export const OtherRulesChoiceSchema = lazySchema(() => z.enum(['disable', 'retarget', 'keep']));

export const RuleOutcomeView = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string().optional(),
    /** The version the rule routes to now. */
    from: z.string(),
    outcome: z.enum(['disabled', 'retargeted', 'kept', 'unchanged']),
  }),
);
export type RuleOutcomeView = z.infer<typeof RuleOutcomeView>;

export const AllTrafficRequest = lazySchema(() =>
  z
    .object({
      contextId: z.string(),
      releaseId: z.string(),
      version: z.string().min(1),
      rules: OtherRulesChoiceSchema,
      purpose: z.enum(['switch', 'rollback']),
    })
    .strict(),
);

export const AllTrafficView = lazySchema(() =>
  z.object({
    purpose: z.enum(['switch', 'rollback']),
    version: z.string(),
    rules: z.array(RuleOutcomeView),
    /** Routes Switchyard does not edit (redirects, several targets behind a match): left as they are. */
    untouched: z.array(
      z.object({ index: z.number().int(), name: z.string().optional(), reason: z.string() }),
    ),
    /** Versions that receive requests now and none after the change. */
    drained: z.array(z.string()),
    /** Mirrors that still copy requests to other versions (shadow traffic), left as they are. */
    mirrors: z.array(z.object({ version: z.string(), percentage: z.number() })),
    /** For a roll back: what it restores, in words. */
    restores: z.string().optional(),
    /** The change, reviewed (diff and dry-run); `release.apply` applies it. */
    plan: PlanView,
    /**
     * Share of requests per version (0..1) before and after, estimated by routing a sample population
     * through the route as it is and as it would be (content rules counted), with the sample named.
     */
    traffic: z
      .object({
        basis: z.string(),
        before: z.array(z.object({ version: z.string(), share: z.number() })),
        after: z.array(z.object({ version: z.string(), share: z.number() })),
      })
      .optional(),
  }),
);
export type AllTrafficView = z.infer<typeof AllTrafficView>;

export const ReleaseHealthView = lazySchema(() =>
  z.object({
    id: z.string(),
    canary: z.string(),
    stable: z.string(),
    status: z.enum(['healthy', 'worse', 'not-enough-traffic', 'unknown']),
    /** One or two sentences: the verdict's summary, or why there is none. */
    summary: z.string(),
    verdict: HealthVerdictView.optional(),
  }),
);
export type ReleaseHealthView = z.infer<typeof ReleaseHealthView>;

export const releaseFlowCalls = {
  'release.allTraffic': { request: AllTrafficRequest, response: AllTrafficView },
  'rollout.health': {
    request: lazySchema(() => z.object({ contextId: z.string(), id: RolloutPlanId }).strict()),
    response: ReleaseHealthView,
  },
} as const;

export const releaseFlowEvents = {
  /** A change reached History (applied from the console or by a wizard step), as it happens. */
  'history.recorded': HistoryEntryView,
} as const;
