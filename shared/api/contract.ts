import { z } from 'zod';
import { callGraphCalls } from './call-graph-schemas.ts';
import {
  ApplyProgress,
  ApplyResultView,
  DesiredReleaseInput,
  HistoryEntryView,
  PlanView,
  PreviewView,
  ReleaseView,
  RolloutPlanId,
  RolloutPlanProgress,
  RolloutPlanStartInput,
  RolloutPlanView,
  SampleTraffic,
  ServiceSummary,
} from './console-schemas.ts';
import { draftCalls, draftEvents } from './draft-schemas.ts';
import { ApiError } from './errors.ts';
import { fleetCalls, fleetEvents } from './fleet-schemas.ts';
import { lazySchema } from './lazy-schema.ts';
import {
  MetricsSnapshot,
  MetricsSubscribeRequest,
  PrometheusSettingsInput,
  PrometheusSettingsView,
} from './metrics-schemas.ts';
import { proxyCalls } from './proxy-schemas.ts';
import { OtherRulesChoiceSchema, releaseFlowCalls, releaseFlowEvents } from './release-flow-schemas.ts';
import { sessionCalls } from './session-schemas.ts';
import { stepPlanCalls, stepPlanEvents } from './step-plan-schemas.ts';

// The one contract between renderer and main. Each call has a request and a response schema;
// each event (main → renderer) a payload schema. Both transports (Electron IPC and the browser
// mode WebSocket) carry exactly these, and main validates every payload against them.

const Empty = lazySchema(() => z.object({}).strict());

export const AppInfo = lazySchema(() =>
  z.object({
    name: z.string(),
    version: z.string(),
    mode: z.enum(['electron', 'web']),
    platform: z.string(),
    node: z.string(),
    dataDir: z.string(),
  }),
);
export type AppInfo = z.infer<typeof AppInfo>;

export const ContextStatus = lazySchema(() =>
  z.enum(['not-connected', 'connecting', 'connected', 'read-only', 'error']),
);
export type ContextStatus = z.infer<typeof ContextStatus>;

/** What the renderer may know of a kubeconfig context: names and status, never credentials. */
export const ContextSummary = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    cluster: z.string(),
    user: z.string(),
    namespace: z.string().optional(),
    source: z.string(),
    isDemo: z.boolean(),
    status: ContextStatus,
    statusReason: z.string().optional(),
    lastUsed: z.string().optional(),
    /** When the last session's offline snapshot of this context was taken (issue 8). */
    snapshotAt: z.string().optional(),
  }),
);
export type ContextSummary = z.infer<typeof ContextSummary>;

export const KubeconfigProblem = lazySchema(() => z.object({ file: z.string(), message: z.string() }));
export type KubeconfigProblem = z.infer<typeof KubeconfigProblem>;

export const ContextList = lazySchema(() =>
  z.object({
    contexts: z.array(ContextSummary),
    problems: z.array(KubeconfigProblem),
  }),
);
export type ContextList = z.infer<typeof ContextList>;

export const DemoStatus = lazySchema(() =>
  z.object({
    running: z.boolean(),
    /** Being started (in the background, after the first screen): `demo.open` waits for it. */
    starting: z.boolean().optional(),
    url: z.string().optional(),
    contextId: z.string().optional(),
  }),
);
export type DemoStatus = z.infer<typeof DemoStatus>;

function call<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const calls = {
  'app.info': call(Empty, AppInfo),
  'contexts.list': call(Empty, ContextList),
  'demo.open': call(Empty, DemoStatus),
  'demo.status': call(Empty, DemoStatus),
  // Sessions: nothing is contacted until the operator opens a context.
  'sessions.open': call(
    lazySchema(() => z.object({ contextId: z.string() }).strict()),
    ContextSummary,
  ),
  'sessions.close': call(
    lazySchema(() => z.object({ contextId: z.string() }).strict()),
    lazySchema(() => z.object({ closed: z.boolean() })),
  ),
  // The console over one open session.
  'services.list': call(
    lazySchema(() => z.object({ contextId: z.string() }).strict()),
    // snapshotAt: the context is offline and this is its last session's snapshot (read-only).
    lazySchema(() => z.object({ services: z.array(ServiceSummary), snapshotAt: z.string().optional() })),
  ),
  'release.get': call(
    lazySchema(() => z.object({ contextId: z.string(), releaseId: z.string() }).strict()),
    ReleaseView,
  ),
  'release.plan': call(
    lazySchema(() =>
      z
        .object({
          contextId: z.string(),
          releaseId: z.string(),
          desired: DesiredReleaseInput,
          /** The grayscale release (wizard) this change belongs to: applying it records it there. */
          workflowId: z.string().optional(),
        })
        .strict(),
    ),
    PlanView,
  ),
  'release.apply': call(
    lazySchema(() => z.object({ planId: z.string() }).strict()),
    ApplyResultView,
  ),
  'history.list': call(
    lazySchema(() =>
      z.object({ contextId: z.string().optional(), releaseId: z.string().optional() }).strict(),
    ),
    lazySchema(() =>
      z.object({
        entries: z.array(HistoryEntryView),
        /** Lines and files of the history folder that could not be read (reported, never dropped). */
        skipped: z
          .array(z.object({ file: z.string(), line: z.number().int(), reason: z.string() }))
          .optional(),
      }),
    ),
  ),
  'history.undo': call(
    lazySchema(() => z.object({ entryId: z.string() }).strict()),
    PlanView,
  ),
  // Live access information (issue 7): per page or window (the caller), one subscription for the
  // service it shows, paused while that page is hidden; a page that goes away takes its own along.
  'metrics.subscribe': call(MetricsSubscribeRequest, MetricsSnapshot),
  'metrics.unsubscribe': call(
    lazySchema(() => z.object({ contextId: z.string(), releaseId: z.string() }).strict()),
    lazySchema(() => z.object({ unsubscribed: z.boolean() })),
  ),
  'metrics.visibility': call(
    lazySchema(() => z.object({ visible: z.boolean() }).strict()),
    lazySchema(() => z.object({ paused: z.boolean() })),
  ),
  'metrics.settings.get': call(
    lazySchema(() => z.object({ contextId: z.string() }).strict()),
    PrometheusSettingsView,
  ),
  'metrics.settings.set': call(PrometheusSettingsInput, PrometheusSettingsView),
  // Live preview of the desired (unapplied) rules and split over sample traffic.
  'release.preview': call(
    lazySchema(() =>
      z
        .object({
          contextId: z.string(),
          releaseId: z.string(),
          desired: DesiredReleaseInput,
          sample: SampleTraffic.optional(),
        })
        .strict(),
    ),
    PreviewView,
  ),
  // RE2's verdict on the patterns a rule editor holds, so a bad regex is shown under its field while
  // the operator types (the renderer cannot load RE2; answers are pure and cached there).
  'rules.check': call(
    lazySchema(() => z.object({ patterns: z.array(z.string().max(4096)).max(100) }).strict()),
    lazySchema(() =>
      z.object({ results: z.array(z.object({ pattern: z.string(), error: z.string().nullable() })) }),
    ),
  ),
  // A rollout plan (the release wizard's workflow): one grayscale release of a new version, from the
  // clone of the stable Deployment to finalize, saved between steps and resumable after a restart.
  'rollout.start': call(
    lazySchema(() => RolloutPlanStartInput.strict()),
    RolloutPlanView,
  ),
  'rollout.list': call(
    lazySchema(() => z.object({ contextId: z.string(), releaseId: z.string().optional() }).strict()),
    lazySchema(() => z.object({ rollouts: z.array(RolloutPlanView) })),
  ),
  // Promote: all traffic to the canary; refused unless it is healthy or `override` is set.
  'rollout.promote': call(
    lazySchema(() =>
      z
        .object({
          contextId: z.string(),
          id: RolloutPlanId,
          override: z.boolean().optional(),
          rules: OtherRulesChoiceSchema.optional(),
        })
        .strict(),
    ),
    RolloutPlanView,
  ),
  // Finalize answers a plan to review; applying it (release.apply) finalizes the release.
  'rollout.finalize': call(
    lazySchema(() =>
      z
        .object({ contextId: z.string(), id: RolloutPlanId, mode: z.enum(['scale-to-zero', 'delete']) })
        .strict(),
    ),
    PlanView,
  ),
  'rollout.abort': call(
    lazySchema(() =>
      z.object({ contextId: z.string(), id: RolloutPlanId, scaleToZero: z.boolean().optional() }).strict(),
    ),
    RolloutPlanView,
  ),
  // Gateway API, after finalize: the plan deleting the old version's backend Service, for review
  // (refused while an HTTPRoute still sends requests to it). Never done by finalize itself.
  'rollout.deleteOldService': call(
    lazySchema(() => z.object({ contextId: z.string(), id: RolloutPlanId }).strict()),
    PlanView,
  ),
  'rollout.resume': call(
    lazySchema(() => z.object({ contextId: z.string(), id: RolloutPlanId }).strict()),
    RolloutPlanView,
  ),
  ...releaseFlowCalls,
  ...callGraphCalls,
  ...proxyCalls,
  // Release plans with gates (issue 16): a rollout's canary taken to 100% step by step.
  ...stepPlanCalls,
  // Offline drafts (issue 8).
  ...draftCalls,
  ...sessionCalls,
  // Fleets (issue 14): one change across several clusters, in waves.
  ...fleetCalls,
} as const;

export const events = {
  'contexts.changed': ContextList,
  'demo.changed': DemoStatus,
  'session.changed': ContextSummary,
  'services.changed': lazySchema(() =>
    z.object({
      contextId: z.string(),
      upserts: z.array(ServiceSummary),
      removed: z.array(z.string()),
    }),
  ),
  'release.changed': ReleaseView,
  'apply.progress': ApplyProgress,
  'metrics.update': MetricsSnapshot,
  'rollout.progress': RolloutPlanProgress,
  ...releaseFlowEvents,
  ...stepPlanEvents,
  ...draftEvents,
  ...fleetEvents,
} as const;

export type CallName = keyof typeof calls;
export type EventName = keyof typeof events;
export type CallRequest<C extends CallName> = z.input<(typeof calls)[C]['request']>;
export type CallResponse<C extends CallName> = z.infer<(typeof calls)[C]['response']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** The envelope every call answers with, on both transports. */
export const ResultEnvelope = lazySchema(() =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value: z.unknown() }),
    z.object({ ok: z.literal(false), error: ApiError }),
  ]),
);
