import { z } from 'zod';
import { PlanView } from './console-schemas.ts';
import { lazySchema } from './lazy-schema.ts';

// Who calls a service and whom it calls (from the mesh's request metrics), so the rules editor can
// say when a content rule depends on callers forwarding a header, and offer the same rule on the
// services downstream (full-link grayscale).

const name = lazySchema(() => z.string().min(1).max(253));

export const CallersView = lazySchema(() =>
  z.discriminatedUnion('known', [
    z.object({
      known: z.literal(true),
      windowSeconds: z.number(),
      /** entry: requests arrive from a gateway or outside the mesh; internal: only from mesh workloads. */
      kind: z.enum(['entry', 'internal', 'idle']),
      edgeRps: z.number(),
      meshRps: z.number(),
      callers: z.array(
        z.object({ workload: z.string(), namespace: z.string(), rps: z.number(), edge: z.boolean() }),
      ),
      /** Request headers the service's content rules read (what its callers must forward). */
      headers: z.array(z.string()),
      downstream: z.array(
        z.object({
          host: z.string(),
          rps: z.number(),
          releaseId: z.string().optional(),
          versions: z.array(z.string()),
          sameVersions: z.array(z.string()),
          blocked: z.string().optional(),
        }),
      ),
      summary: z.string(),
    }),
    z.object({ known: z.literal(false), reason: z.string() }),
  ]),
);
export type CallersView = z.infer<typeof CallersView>;

export const callGraphCalls = {
  'release.callers': {
    request: lazySchema(() =>
      z
        .object({
          contextId: z.string(),
          releaseId: z.string(),
          windowSeconds: z.number().int().min(30).max(86_400).optional(),
        })
        .strict(),
    ),
    response: CallersView,
  },
  /** The same content rule (its header conditions, to the same version) on services downstream. */
  'release.planDownstream': {
    request: lazySchema(() =>
      z
        .object({
          contextId: z.string(),
          releaseId: z.string(),
          ruleId: name,
          targets: z.array(name).min(1).max(20),
        })
        .strict(),
    ),
    response: PlanView,
  },
} as const;
