import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

// Confirmation at the proxies (issue 16): after an apply, at how many of the sidecars and gateways
// that serve the host the change is in effect, from istiod's proxy status. `known: false` says why
// the console cannot tell (RBAC, no istiod, debug endpoints off), never a guess.

export const StaleProxyView = lazySchema(() =>
  z.object({
    /** As istiod names it: `pod.namespace`. */
    id: z.string(),
    kind: z.enum(['sidecar', 'gateway']),
    /** Which xDS type waits for what, in words. */
    why: z.string(),
  }),
);
export type StaleProxyView = z.infer<typeof StaleProxyView>;

export const ProxyConvergenceView = lazySchema(() =>
  z.discriminatedUnion('known', [
    z.object({
      known: z.literal(true),
      contextId: z.string(),
      releaseId: z.string(),
      host: z.string(),
      inEffect: z.number().int().min(0),
      total: z.number().int().min(0),
      stale: z.array(StaleProxyView),
      /** What is counted, in words ("3 sidecars in namespace bookinfo and 1 gateway"). */
      counted: z.string(),
      /** The change it is measured against: when the console applied it (absent: the latest push). */
      since: z.string().optional(),
      /** Where the status came from ("istiod istio-system/istiod:15014 /debug/syncz"). */
      source: z.string(),
      /** Only part of the mesh could be read (one of several istiod replicas): what is not counted. */
      partial: z.string().optional(),
      checkedAt: z.string(),
    }),
    z.object({
      known: z.literal(false),
      contextId: z.string(),
      releaseId: z.string(),
      /** Why the proxy status is not available, for the operator. */
      reason: z.string(),
      /** A passing trouble (a timeout, a 5xx): asking again may answer. */
      retryable: z.boolean(),
      checkedAt: z.string(),
    }),
  ]),
);
export type ProxyConvergenceView = z.infer<typeof ProxyConvergenceView>;

export const proxyCalls = {
  'release.proxies': {
    request: lazySchema(() => z.object({ contextId: z.string(), releaseId: z.string() }).strict()),
    response: ProxyConvergenceView,
  },
} as const;
