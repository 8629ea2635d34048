import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

// Live access information per version (issue 7): what the renderer asks for, and the series and
// verdict main streams back. Prometheus credentials go in once through metrics.settings.set and
// never come back: the renderer only learns whether some are stored.

export const MetricsSubscribeRequest = lazySchema(() =>
  z
    .object({
      contextId: z.string(),
      releaseId: z.string(),
      /** How often main runs one batch of queries (default 5 s). */
      intervalMs: z.number().int().min(1000).max(300_000).optional(),
      /** How far back the charts reach: 5 minutes to 6 hours (default 15 minutes). */
      windowSeconds: z.number().int().min(300).max(21_600).optional(),
      /** Count 4xx answers as failures too (5xx always are), as Kiali's switch does. */
      count4xxAsErrors: z.boolean().optional(),
      /**
       * Whether the subscribing page or window is in view (default: as it last said, else yes).
       * Visibility belongs to the page: a reloaded page states its own instead of inheriting one.
       */
      visible: z.boolean().optional(),
    })
    .strict(),
);
export type MetricsSubscribeRequest = z.infer<typeof MetricsSubscribeRequest>;

const Nullable = lazySchema(() => z.number().nullable());

/** One version's series: parallel arrays, one entry per step (`t` in ms since the epoch). */
export const VersionSeries = lazySchema(() =>
  z.object({
    version: z.string(),
    /** Whether the version is one of the release's versions (else traffic the route no longer sends). */
    inRelease: z.boolean(),
    t: z.array(z.number()),
    rps: z.array(z.number()),
    /** Percent of requests that did not fail; null where there was no traffic. */
    successRate: z.array(Nullable),
    p50: z.array(Nullable),
    p95: z.array(Nullable),
    p99: z.array(Nullable),
  }),
);
export type VersionSeries = z.infer<typeof VersionSeries>;

export const VerdictFindingView = lazySchema(() =>
  z.object({
    metric: z.enum(['success-rate', 'p95-latency']),
    canary: Nullable,
    baseline: Nullable,
    worse: z.boolean(),
    text: z.string(),
  }),
);

export const HealthVerdictView = lazySchema(() =>
  z.object({
    status: z.enum(['healthy', 'worse', 'not-enough-traffic']),
    canary: z.string(),
    baseline: z.string().nullable(),
    windowSeconds: z.number(),
    canaryRequests: z.number(),
    baselineRequests: z.number(),
    findings: z.array(VerdictFindingView),
    summary: z.string(),
  }),
);
export type HealthVerdictView = z.infer<typeof HealthVerdictView>;

/** Where the numbers come from, in words the operator can act on. */
export const PrometheusSourceView = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('service'), description: z.string() }),
    z.object({ kind: z.literal('url'), description: z.string() }),
    z.object({ kind: z.literal('none'), reason: z.string() }),
  ]),
);
export type PrometheusSourceView = z.infer<typeof PrometheusSourceView>;

/** Per version, the latest values and the window totals the comparison card shows. */
export const VersionLatest = lazySchema(() =>
  z.object({
    version: z.string(),
    rps: Nullable,
    successRate: Nullable,
    p50: Nullable,
    p95: Nullable,
    p99: Nullable,
    /** Requests in the verdict window (an estimate from the rates). */
    requests: z.number(),
  }),
);
export type VersionLatest = z.infer<typeof VersionLatest>;

export const MetricsSnapshot = lazySchema(() =>
  z.object({
    contextId: z.string(),
    releaseId: z.string(),
    /** 'replace': the series cover the whole window; 'append': only points after the last ones sent. */
    mode: z.enum(['replace', 'append']),
    state: z.enum(['live', 'paused', 'no-prometheus', 'error']),
    /** Why there are no numbers, or what failed (state no-prometheus or error). */
    message: z.string().optional(),
    source: PrometheusSourceView,
    intervalMs: z.number(),
    windowSeconds: z.number(),
    stepSeconds: z.number(),
    count4xxAsErrors: z.boolean(),
    /** The version with most of the default route's traffic, and the others receiving any. */
    stable: z.string().optional(),
    canaries: z.array(z.string()),
    series: z.array(VersionSeries),
    latest: z.array(VersionLatest),
    /** One per canary, judged against stable over the verdict window. */
    verdicts: z.array(HealthVerdictView),
    /** Prometheus queries the last refresh ran. */
    queries: z.number().int(),
    updatedAt: z.number(),
  }),
);
export type MetricsSnapshot = z.infer<typeof MetricsSnapshot>;

export const PrometheusAuthInput = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }).strict(),
    z.object({ kind: z.literal('bearer'), token: z.string().min(1) }).strict(),
    z.object({ kind: z.literal('basic'), username: z.string().min(1), password: z.string() }).strict(),
  ]),
);
export type PrometheusAuthInput = z.infer<typeof PrometheusAuthInput>;

export const PrometheusSettingsInput = lazySchema(() =>
  z
    .object({
      contextId: z.string(),
      /** An http(s) URL of Prometheus for this context; null goes back to finding it in the cluster. */
      url: z.string().url().nullable(),
      /** Absent keeps the stored credentials when the URL stays the same. */
      auth: PrometheusAuthInput.optional(),
    })
    .strict(),
);
export type PrometheusSettingsInput = z.infer<typeof PrometheusSettingsInput>;

export const PrometheusSettingsView = lazySchema(() =>
  z.object({
    contextId: z.string(),
    url: z.string().nullable(),
    authKind: z.enum(['none', 'bearer', 'basic']),
  }),
);
export type PrometheusSettingsView = z.infer<typeof PrometheusSettingsView>;
