import { z } from 'zod';
import { ApiError } from './errors.ts';
import { lazySchema } from './lazy-schema.ts';
import { jsonStringBytes, MAX_SAMPLE_JSONL_BYTES, sampleTooLargeMessage } from './limits.ts';
import { MirrorInput, MirrorView, StickyInput, StickyView } from './mirror-schemas.ts';

// What the console shows and sends: views computed in main from its caches (never raw objects with
// credentials), and the operator's desired release. Ids: a release is `<flavor>:<namespace>/<host>`.

export const ConditionSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('header'),
      name: z.string().min(1),
      op: z.enum(['exact', 'prefix', 'regex', 'present', 'absent']),
      value: z.string().optional(),
    }),
    z.object({
      kind: z.literal('cookie'),
      name: z.string().min(1),
      op: z.enum(['exact', 'regex']),
      value: z.string(),
    }),
    z.object({
      kind: z.literal('os'),
      os: z.enum(['android', 'ios', 'ipados', 'windows', 'macos', 'linux', 'chromeos']),
    }),
    z.object({
      kind: z.literal('browser'),
      browser: z.enum(['chrome', 'safari', 'firefox', 'edge', 'opera', 'samsung']),
    }),
    z.object({
      kind: z.literal('query'),
      name: z.string().min(1),
      op: z.enum(['exact', 'prefix', 'regex']),
      value: z.string(),
    }),
    z.object({ kind: z.literal('sourceLabel'), name: z.string().min(1), value: z.string() }),
    z.object({ kind: z.literal('path'), op: z.enum(['exact', 'prefix', 'regex']), value: z.string().min(1) }),
    z.object({
      kind: z.literal('method'),
      method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']),
    }),
  ]),
);
export type ConditionView = z.infer<typeof ConditionSchema>;

export const LintFindingView = lazySchema(() =>
  z.object({
    code: z.string(),
    severity: z.enum(['error', 'warning', 'info']),
    object: z.object({ kind: z.string(), namespace: z.string().optional(), name: z.string() }),
    path: z.string(),
    message: z.string(),
    hint: z.string(),
  }),
);
export type LintFindingView = z.infer<typeof LintFindingView>;

export const RolloutView = lazySchema(() =>
  z.object({
    desired: z.number().int(),
    updated: z.number().int(),
    ready: z.number().int(),
    done: z.boolean(),
    message: z.string().optional(),
  }),
);

export const VersionView = lazySchema(() =>
  z.object({
    name: z.string(),
    subset: z.string().optional(),
    labels: z.record(z.string(), z.string()),
    deployments: z.array(z.string()),
    image: z.string().optional(),
    podsReady: z.number().int(),
    podsTotal: z.number().int(),
    restarts: z.number().int(),
    createdAt: z.string().optional(),
    rollout: RolloutView.optional(),
    /** Share of the default route, in percent. */
    weight: z.number().int(),
    /** Gateway API: the backendRef's own (relative) weight in the catch-all, an omitted one as 1. */
    rawWeight: z.number().optional(),
    declared: z.boolean(),
    /** Why the route cannot send to this version although it names it (no ReferenceGrant permits it). */
    unroutable: z.string().optional(),
    /** True where pods cannot be known (an offline snapshot or a draft keeps none; a host outside the cluster). */
    podsUnknown: z.boolean().optional(),
  }),
);
export type VersionView = z.infer<typeof VersionView>;

export const ContentRuleView = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string().optional(),
    version: z.string(),
    enabled: z.boolean(),
    /** The rule in words, or null when its match is hand-written in a way the editor cannot express. */
    conditions: z.array(z.array(ConditionSchema)).nullable(),
    matchYaml: z.string(),
  }),
);
export type ContentRuleView = z.infer<typeof ContentRuleView>;

export const ServiceSummary = lazySchema(() =>
  z.object({
    releaseId: z.string(),
    namespace: z.string(),
    name: z.string(),
    host: z.string(),
    flavor: z.enum(['istio', 'gateway-api']),
    versionCount: z.number().int(),
    releaseInProgress: z.boolean(),
    contentRuleCount: z.number().int(),
    readOnly: z.boolean(),
    managedBy: z.string().optional(),
    lintErrors: z.number().int(),
  }),
);
export type ServiceSummary = z.infer<typeof ServiceSummary>;

export const ReleaseView = lazySchema(() =>
  z.object({
    releaseId: z.string(),
    contextId: z.string(),
    namespace: z.string(),
    host: z.string(),
    name: z.string(),
    flavor: z.enum(['istio', 'gateway-api']),
    editable: z.boolean(),
    readOnlyReasons: z.array(z.string()),
    versions: z.array(VersionView),
    rules: z.array(ContentRuleView),
    mirrors: z.array(z.object({ host: z.string(), version: z.string().optional(), percentage: z.number() })),
    /**
     * Routes the console does not edit that still send requests to versions (a matched route split
     * across destinations): whatever the split says, these versions keep taking what they match.
     */
    keptRoutes: z
      .array(z.object({ name: z.string().optional(), pointer: z.string(), versions: z.array(z.string()) }))
      .optional(),
    /** The catch-all route's mirror to one of the versions (mirror-schemas.ts), when there is one. */
    mirror: MirrorView.optional(),
    /** Sticky sessions, when the catch-all route's destinations set the version cookie. */
    sticky: StickyView.optional(),
    lint: z.array(LintFindingView),
    sources: z.array(
      z.object({
        kind: z.string(),
        namespace: z.string(),
        name: z.string(),
        resourceVersion: z.string().optional(),
      }),
    ),
    /** The version that had most traffic before the current release began, for "Roll back to". */
    previousStable: z.string().optional(),
    /** Set when this view comes from an offline snapshot (read-only), with the snapshot's time. */
    snapshotAt: z.string().optional(),
  }),
);
export type ReleaseView = z.infer<typeof ReleaseView>;

/** One weight per version: a version named twice would leave which weight wins to chance. */
const SplitInput = lazySchema(() =>
  z
    .array(z.object({ version: z.string(), weight: z.number().int().min(0).max(100) }))
    .superRefine((split, ctx) => {
      const seen = new Set<string>();
      for (const [i, { version }] of split.entries()) {
        if (seen.has(version))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'version'],
            message: `version '${version}' is named twice in the split; give each version one weight`,
          });
        seen.add(version);
      }
    }),
);

/** An Istio duration as a route's timeout takes it: "10s", "1.5s", "250ms", "1m", "1h". */
const IstioDuration = lazySchema(() =>
  z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration such as 10s or 250ms'),
);

export const DesiredReleaseInput = lazySchema(() =>
  z.object({
    split: SplitInput,
    rules: z.array(
      z.object({
        id: z.string().optional(),
        name: z.string().optional(),
        version: z.string(),
        enabled: z.boolean(),
        /** ORed alternatives, each an ANDed list of conditions; absent keeps an existing rule's match as is. */
        conditions: z.array(z.array(ConditionSchema)).optional(),
        /** A new rule's own timeout; absent inherits the catch-all's, null means none. */
        timeout: IstioDuration.nullable().optional(),
        /** A new rule's own retries; absent inherits the catch-all's, null means none. */
        retries: z
          .object({
            attempts: z.number().int().min(0).max(100),
            perTryTimeout: IstioDuration.optional(),
            retryOn: z.string().max(200).optional(),
          })
          .nullable()
          .optional(),
      }),
    ),
    /** The catch-all route's mirror: absent keeps it, null removes it. */
    mirror: MirrorInput.nullable().optional(),
    /** Sticky sessions: absent keeps them as they are. */
    sticky: StickyInput.optional(),
  }),
);
export type DesiredReleaseInput = z.infer<typeof DesiredReleaseInput>;

export const StepState = lazySchema(() =>
  z.enum(['pending', 'dry-run', 'applying', 'verifying', 'done', 'failed', 'rolled-back', 'skipped']),
);

export const PlanStepView = lazySchema(() =>
  z.object({
    id: z.string(),
    description: z.string(),
    target: z.object({ kind: z.string(), namespace: z.string(), name: z.string() }),
    beforeYaml: z.string(),
    afterYaml: z.string(),
    dryRun: z.object({ ok: z.boolean(), message: z.string().optional() }),
  }),
);
export type PlanStepView = z.infer<typeof PlanStepView>;

export const PlanView = lazySchema(() =>
  z.object({
    planId: z.string(),
    contextId: z.string(),
    releaseId: z.string(),
    summary: z.string(),
    steps: z.array(PlanStepView),
    lint: z.array(LintFindingView),
  }),
);
export type PlanView = z.infer<typeof PlanView>;

export const ConflictView = lazySchema(() =>
  z.object({
    object: z.object({ kind: z.string(), namespace: z.string(), name: z.string() }),
    paths: z.array(z.string()),
    oursYaml: z.string(),
    theirsYaml: z.string(),
  }),
);

export const ApplyResultView = lazySchema(() =>
  z.object({
    planId: z.string(),
    ok: z.boolean(),
    historyId: z.string().optional(),
    /** Applied, but e.g. "applied; could not record history: <reason>". */
    warning: z.string().optional(),
    steps: z.array(z.object({ id: z.string(), state: StepState, message: z.string().optional() })),
    error: ApiError.optional(),
    conflict: ConflictView.optional(),
  }),
);
export type ApplyResultView = z.infer<typeof ApplyResultView>;

export const ApplyProgress = lazySchema(() =>
  z.object({
    planId: z.string(),
    stepId: z.string(),
    state: StepState,
    message: z.string().optional(),
  }),
);

/** A resourceVersion an undo compared: as this change left the object, and as it is now. */
export const ComparedVersionView = lazySchema(() =>
  z.object({
    object: z.string(),
    /** resourceVersion right after the change (absent: the change deleted the object). */
    recorded: z.string().optional(),
    /** resourceVersion now (absent: the object is gone). */
    live: z.string().optional(),
  }),
);
export type ComparedVersionView = z.infer<typeof ComparedVersionView>;

export const HistoryEntryView = lazySchema(() =>
  z.object({
    id: z.string(),
    contextId: z.string(),
    releaseId: z.string().optional(),
    user: z.string(),
    time: z.string(),
    /** The change as an action ("v3 10% → 100% (switch all traffic)"); an undo says what it undid. */
    summary: z.string(),
    undoable: z.boolean(),
    /** Why Undo cannot apply now (already undone, the objects changed since, …); absent when it can. */
    undoBlocked: z.string().optional(),
    /** The resourceVersions behind `undoBlocked` when the objects changed since. */
    compared: z.array(ComparedVersionView).optional(),
    undoOf: z.string().optional(),
  }),
);
export type HistoryEntryView = z.infer<typeof HistoryEntryView>;

// The release wizard: one grayscale release of a new version, as main's release workflow keeps it.

export const RolloutPlanPhase = lazySchema(() =>
  z.enum([
    'creating',
    'rolling-out',
    'adding-subset',
    'ready',
    'routing',
    'promoted',
    'finalizing',
    'finalized',
    'aborting',
    'aborted',
  ]),
);
export type RolloutPlanPhase = z.infer<typeof RolloutPlanPhase>;

export const RolloutProgressView = lazySchema(() =>
  z.object({
    replicas: z.number().int(),
    updated: z.number().int(),
    ready: z.number().int(),
    available: z.number().int(),
    done: z.boolean(),
    /** One line: "2 of 3 updated, 1 ready". */
    message: z.string(),
    reason: z.string().optional(),
  }),
);
export type RolloutProgressView = z.infer<typeof RolloutProgressView>;

/** Gateway API releases: the new version's Service and the old one (see RolloutPlanView). */
const BackendServiceView = lazySchema(() =>
  z.object({
    service: z.string(),
    stableService: z.string(),
    endpointsReady: z.string().optional(),
    stableServiceDeleted: z.boolean(),
  }),
);

export const RolloutPlanView = lazySchema(() =>
  z.object({
    /** `<namespace>.<service>.<version>`. */
    id: z.string(),
    contextId: z.string(),
    /** The service (ReleaseView id) the version is released into. */
    releaseId: z.string(),
    namespace: z.string(),
    stable: z.object({ version: z.string(), deployment: z.string() }),
    canary: z.object({
      version: z.string(),
      deployment: z.string(),
      image: z.string(),
      replicas: z.number().int(),
    }),
    /**
     * Gateway API releases: the versions are backend Services. `endpointsReady` is the timeline's line
     * once the new Service had ready endpoints ("Service search-v2 created, endpoints ready"); after
     * finalize the old Service is offered for deletion (`rollout.deleteOldService`) until it is deleted.
     */
    backendService: BackendServiceView.optional(),
    phase: RolloutPlanPhase,
    /** An operation on it is running in main now (a restarted app has none until resumed). */
    running: z.boolean(),
    split: z.array(z.object({ version: z.string(), weight: z.number() })).optional(),
    finalizeMode: z.enum(['scale-to-zero', 'delete']).optional(),
    rollout: RolloutProgressView.optional(),
    lastError: z.string().optional(),
    changes: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type RolloutPlanView = z.infer<typeof RolloutPlanView>;

/**
 * A grayscale release's id as the calls that act on one take it (`<namespace>.<service>.<version>`):
 * it names a file in the data folder, so anything else is refused where it arrives.
 */
export const RolloutPlanId = lazySchema(() =>
  z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{0,200}$/,
      'not a release id (<namespace>.<service>.<version>: lower-case letters, digits, "." and "-")',
    ),
);

export const RolloutPlanProgress = lazySchema(() =>
  z.object({
    contextId: z.string(),
    id: z.string(),
    releaseId: z.string(),
    phase: RolloutPlanPhase,
    running: z.boolean(),
    rollout: RolloutProgressView.optional(),
    backendService: BackendServiceView.optional(),
    message: z.string().optional(),
    error: z.string().optional(),
  }),
);
export type RolloutPlanProgress = z.infer<typeof RolloutPlanProgress>;

export const RolloutPlanStartInput = lazySchema(() =>
  z.object({
    contextId: z.string(),
    releaseId: z.string(),
    fromVersion: z.string().min(1),
    newVersion: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'lower-case letters, digits, "-" and "." only')
      .max(40),
    image: z.string().min(1).max(500),
    replicas: z.number().int().min(1).max(100),
  }),
);

// Live preview: where a sample of requests would go under the desired (unapplied) rules and split.

// Defined with the limit it reports, zod-free, so the renderer's first screen can import it without zod.
export { sampleTooLargeMessage } from './limits.ts';

// Each character is at least one byte, so a text longer than the limit is refused without counting.
const SampleJsonl = lazySchema(() =>
  z.string().superRefine((text, ctx) => {
    const bytes = text.length > MAX_SAMPLE_JSONL_BYTES ? text.length : jsonStringBytes(text);
    if (bytes > MAX_SAMPLE_JSONL_BYTES)
      ctx.addIssue({ code: 'custom', message: sampleTooLargeMessage(bytes) });
  }),
);

export const SampleTraffic = lazySchema(() =>
  z.union([z.literal('demo'), z.object({ jsonl: SampleJsonl }).strict()]),
);

export const ShareView = lazySchema(() => z.object({ count: z.number().int(), share: z.number() }));

export const PreviewView = lazySchema(() =>
  z.object({
    total: z.number().int(),
    source: z.enum(['demo', 'jsonl']),
    /** Per rule of the desired rules, by position; disabled rules catch nothing. */
    rules: z.array(ShareView.extend({ position: z.number().int() })),
    /** Requests no rule caught (they follow the split). */
    unmatched: ShareView,
    /**
     * Where the sample goes among the versions (the effective traffic: content rules in order, then
     * the catch-all's weights), with the parts that rules and the catch-all send.
     */
    versions: z.array(
      ShareView.extend({
        version: z.string(),
        viaRules: z.number().optional(),
        viaCatchAll: z.number().optional(),
      }),
    ),
    /** Requests that reach no version (404 no route, 503 no subset, redirects, …). */
    other: z.array(ShareView.extend({ outcome: z.string() })),
    /** With sticky sessions: the part of the sample a first answer would pin to each version. */
    pinned: z.array(ShareView.extend({ version: z.string() })).optional(),
    /** With a mirror: the part of the sample copied to each mirror target (answers discarded). */
    mirrored: z.array(ShareView.extend({ version: z.string() })).optional(),
  }),
);
export type PreviewView = z.infer<typeof PreviewView>;
