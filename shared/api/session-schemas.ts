import { z } from 'zod';
import { DNS_LABEL, NamespaceName } from './k8s-names.ts';
import { lazySchema } from './lazy-schema.ts';

// Which namespaces a session lists and watches: all of them (the default) or a chosen set, kept
// per context in the data folder. `effective` is what the open session really watches: a chosen
// set, or the namespaces it fell back to when cluster-wide listing is forbidden.

/** A Kubernetes namespace name: an RFC 1123 label (lower case, digits, '-', at most 63). */
export const NAMESPACE_NAME = DNS_LABEL;

/** Far more than anyone watches by hand; each namespace is one stream per watched kind. */
export const MAX_CHOSEN_NAMESPACES = 100;

export const NamespaceMode = lazySchema(() => z.enum(['all', 'chosen']));
export type NamespaceMode = z.infer<typeof NamespaceMode>;

export const NamespaceSettingsView = lazySchema(() =>
  z.object({
    mode: NamespaceMode,
    /** The chosen namespaces (kept while the mode is 'all', so switching back restores them). */
    namespaces: z.array(z.string()),
    /** What the open session watches; without an open session, what the setting asks for. */
    effective: z.union([z.literal('all'), z.array(z.string())]),
    /** Why `effective` differs from the setting (a fallback, a namespace that may not be listed). */
    reason: z.string().optional(),
  }),
);
export type NamespaceSettingsView = z.infer<typeof NamespaceSettingsView>;

export const NamespaceSettingsInput = lazySchema(() =>
  z
    .object({
      contextId: z.string(),
      mode: NamespaceMode,
      namespaces: z.array(NamespaceName).max(MAX_CHOSEN_NAMESPACES),
    })
    .strict(),
);
export type NamespaceSettingsInput = z.infer<typeof NamespaceSettingsInput>;

export const sessionCalls = {
  'sessions.namespaces.get': {
    request: lazySchema(() => z.object({ contextId: z.string() }).strict()),
    response: NamespaceSettingsView,
  },
  /** Stores the setting and re-opens the open session's watches with it. */
  'sessions.namespaces.set': { request: NamespaceSettingsInput, response: NamespaceSettingsView },
} as const;
