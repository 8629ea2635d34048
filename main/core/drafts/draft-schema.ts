// The stored shape of a draft (schema version 4), checked with zod on every load and save so a
// hand-edited or half-migrated file is refused with the field that is wrong.

import { z } from 'zod';
import { lazySchema } from '../../../shared/api/lazy-schema.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { DesiredRule, DesiredVersion } from '../../../shared/mesh/plan/index.ts';

export const CURRENT_SCHEMA_VERSION = 4;

/** Ids become file names: no separators, no dots at the start, nothing a shell would mangle. */
export const DRAFT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const kubeObjectSchema = lazySchema(() =>
  z.looseObject({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  }),
);

const desiredRuleSchema = lazySchema(() =>
  z.object({
    id: z.string().optional(),
    name: z.string().optional(),
    matches: z.array(z.record(z.string(), z.unknown())),
    version: z.string(),
    enabled: z.boolean(),
  }),
);

/** A DesiredRelease without its `release`: that is read again from the base when needed. */
export const draftDesiredSchema = lazySchema(() =>
  z.object({
    split: z.array(z.object({ version: z.string(), weight: z.number().int().min(0).max(100) })),
    rules: z.array(desiredRuleSchema),
    addedVersions: z.array(z.object({ name: z.string().min(1), labels: z.record(z.string(), z.string()) })),
    removedVersions: z.array(z.string()),
  }),
);

export const draftBaseSchema = lazySchema(() =>
  z.object({
    /** Where the base came from: the watch cache, imported YAML, or nothing (a new service). */
    /** `snapshot`: the offline snapshot of the last session (schema 3 and later). */
    source: z.enum(['cache', 'snapshot', 'yaml', 'none']),
    /** When the base was captured (ISO 8601). */
    capturedAt: z.string(),
    /** For `yaml`: the files read, for the operator's reference. */
    files: z.array(z.string()).default([]),
    objects: z.array(kubeObjectSchema),
  }),
);

/**
 * The version the draft creates (schema 4 and later): its Deployment is in `newObjects` and its
 * subset in `desired.addedVersions`; this says which ones, and which version was copied.
 */
export const draftNewVersionSchema = lazySchema(() =>
  z.object({
    version: z.string().min(1),
    fromVersion: z.string().min(1),
    image: z.string().min(1),
    /** The name of the Deployment in `newObjects`. */
    deployment: z.string().min(1),
    /** Gateway API: the version's own Service in `newObjects` (`version` is then its name too). */
    service: z.string().min(1).optional(),
  }),
);

export const draftSchema = lazySchema(() =>
  z.object({
    schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
    id: z.string().regex(DRAFT_ID, 'letters, digits, - and _ only, starting with a letter or digit'),
    name: z.string().min(1),
    notes: z.string(),
    context: z.string(),
    namespace: z.string().min(1),
    host: z.string().min(1),
    createdAt: z.string(),
    updatedAt: z.string(),
    base: draftBaseSchema,
    /** The desired release for `host`; null when the draft only creates objects. */
    desired: draftDesiredSchema.nullable(),
    /** Objects the draft creates (a new service, or ones the base lacks). */
    newObjects: z.array(kubeObjectSchema).default([]),
    newVersion: draftNewVersionSchema.optional(),
    /** Set once the draft went through the apply engine (absent in files saved before it existed). */
    applied: z.object({ at: z.string(), historyId: z.string().optional() }).optional(),
  }),
);

export type DraftNewVersion = z.infer<typeof draftNewVersionSchema>;

export type DraftDesired = Omit<z.infer<typeof draftDesiredSchema>, 'rules' | 'addedVersions'> & {
  rules: DesiredRule[];
  addedVersions: DesiredVersion[];
};

export type Draft = Omit<z.infer<typeof draftSchema>, 'base' | 'desired' | 'newObjects'> & {
  base: Omit<z.infer<typeof draftBaseSchema>, 'objects'> & { objects: KubeObject[] };
  desired: DraftDesired | null;
  newObjects: KubeObject[];
};

// In memory a split's share is `weight`, as everywhere from the slider to the patch; draft files
// keep the name `percent` they have always had, so files stay readable by every app version.

type Json = Record<string, unknown>;

function renameSplitKey(value: unknown, from: string, to: string): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const desired = (value as Json).desired;
  if (!desired || typeof desired !== 'object' || !Array.isArray((desired as Json).split)) return value;
  const split = ((desired as Json).split as unknown[]).map((entry) => {
    if (!entry || typeof entry !== 'object' || !(from in entry) || to in entry) return entry;
    const { [from]: share, ...rest } = entry as Json;
    return { ...rest, [to]: share };
  });
  return { ...(value as Json), desired: { ...(desired as Json), split } };
}

/** The draft as its file holds it (the split's shares named `percent`). */
export function storedDraft(draft: Draft): unknown {
  return renameSplitKey(draft, 'weight', 'percent');
}

/** Validates a value as a current-version draft, or throws naming the first bad field. */
export function parseDraft(value: unknown, where: string): Draft {
  const r = draftSchema.safeParse(renameSplitKey(value, 'percent', 'weight'));
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new DraftFormatError(`${where}: field '${path}': ${issue?.message ?? 'invalid'}`);
  }
  return r.data as unknown as Draft;
}

export class DraftFormatError extends Error {
  override name = 'DraftFormatError';
}
