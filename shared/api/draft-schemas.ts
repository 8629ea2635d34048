import { z } from 'zod';
import { DesiredReleaseInput, PlanView, ReleaseView } from './console-schemas.ts';
import { NamespaceName, ObjectName } from './k8s-names.ts';
import { lazySchema } from './lazy-schema.ts';

// Offline drafts (issue 8): a desired release kept on the laptop, with the base it was drafted
// against, compared three ways (base, draft, live) and applied through the same apply engine.

// In its own zod-free module, so the renderer's first screen can use it without loading zod.
export { DRAFT_CONTEXT_PREFIX } from './draft-context.ts';

export const DraftBaseSource = lazySchema(() => z.enum(['cache', 'snapshot', 'yaml', 'none']));

/** A version the draft creates: a copy of `fromVersion`'s Deployment with a new image and version label. */
export const DraftNewVersionView = lazySchema(() =>
  z.object({
    version: z.string(),
    image: z.string(),
    /** The version whose Deployment was copied. */
    fromVersion: z.string(),
    /** The name of the Deployment the draft creates. */
    deployment: z.string(),
  }),
);
export type DraftNewVersionView = z.infer<typeof DraftNewVersionView>;

/**
 * What `drafts.update` takes to add a new version: its name (a DNS label), its image, the version
 * whose Deployment it copies (default: the one with the most traffic in the base) and its replicas
 * (default 1, as in the release wizard).
 */
export const DraftNewVersionInput = lazySchema(() =>
  z
    .object({
      version: z.string(),
      image: z.string(),
      fromVersion: z.string().min(1).optional(),
      replicas: z.number().int().optional(),
    })
    .strict(),
);
export type DraftNewVersionInput = z.infer<typeof DraftNewVersionInput>;

export const DraftSummary = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    notes: z.string(),
    /** The cluster context the draft is for (its apply target). */
    contextId: z.string(),
    namespace: z.string(),
    host: z.string(),
    /** The release id in that context (`<flavor>:<namespace>/<host>`), when the base holds a route. */
    releaseId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    baseSource: DraftBaseSource,
    /** When the base was captured: for a snapshot, the snapshot's time, not the drafting time. */
    baseCapturedAt: z.string(),
    /** The draft's split in words, e.g. `v1 90%, v2 10%; 1 rule`. */
    summary: z.string(),
    /** Objects the draft changes or creates. */
    changedObjects: z.number().int(),
    /** The version the draft creates, when it holds one (it joins the split at 0%). */
    newVersion: DraftNewVersionView.optional(),
    applied: z.object({ at: z.string(), historyId: z.string().optional() }).optional(),
  }),
);
export type DraftSummary = z.infer<typeof DraftSummary>;

export const DraftProblemView = lazySchema(() =>
  z.object({
    file: z.string(),
    setAsideAs: z.string().optional(),
    reason: z.string(),
    /** Made by a newer Switchyard: kept in place, untouched (not set aside). */
    newer: z.literal(true).optional(),
  }),
);
export type DraftProblemView = z.infer<typeof DraftProblemView>;

/** One object's change from the draft's base to the draft, as YAML for a diff. */
export const DraftObjectDiff = lazySchema(() =>
  z.object({
    kind: z.string(),
    namespace: z.string(),
    name: z.string(),
    action: z.enum(['change', 'create']),
    beforeYaml: z.string(),
    afterYaml: z.string(),
  }),
);
export type DraftObjectDiff = z.infer<typeof DraftObjectDiff>;

export const DraftView = lazySchema(() =>
  DraftSummary.extend({
    /** The release as the draft makes it; its contextId is `draft:<id>`. Null when no route. */
    release: ReleaseView.nullable(),
    /** The release as the base had it. */
    baseRelease: ReleaseView.nullable(),
    diff: z.array(DraftObjectDiff),
  }),
);
export type DraftView = z.infer<typeof DraftView>;

export const DraftConflictView = lazySchema(() =>
  z.object({
    /** JSON pointer inside the object; '' for the whole object (deleted live, or created meanwhile). */
    path: z.string(),
    baseYaml: z.string(),
    draftYaml: z.string(),
    liveYaml: z.string(),
  }),
);
export type DraftConflictView = z.infer<typeof DraftConflictView>;

export const DraftObjectCompare = lazySchema(() =>
  z.object({
    kind: z.string(),
    namespace: z.string(),
    name: z.string(),
    outcome: z.enum(['unchanged', 'merged', 'create', 'conflict']),
    /** The cluster changed this object since the draft's base. */
    liveChanged: z.boolean(),
    baseYaml: z.string(),
    draftYaml: z.string(),
    /** '' when the object does not exist live. */
    liveYaml: z.string(),
    /** What applying would make of it (merged), '' for a conflict. */
    mergedYaml: z.string(),
    conflicts: z.array(DraftConflictView),
  }),
);
export type DraftObjectCompare = z.infer<typeof DraftObjectCompare>;

export const DraftCompareView = lazySchema(() =>
  z.object({
    draftId: z.string(),
    contextId: z.string(),
    comparedAt: z.string(),
    /** True when nothing is left to resolve (after the resolutions sent). */
    ok: z.boolean(),
    objects: z.array(DraftObjectCompare),
  }),
);
export type DraftCompareView = z.infer<typeof DraftCompareView>;

/** How the operator settles one overlap: keep the draft's value, or take the cluster's. */
export const ConflictResolution = lazySchema(() =>
  z.object({
    kind: z.string(),
    namespace: NamespaceName,
    name: ObjectName,
    path: z.string(),
    take: z.enum(['draft', 'live']),
  }),
);
export type ConflictResolution = z.infer<typeof ConflictResolution>;

export const DraftExportFormat = lazySchema(() => z.enum(['kubectl-yaml', 'json-patch', 'file-edit']));
export type DraftExportFormat = z.infer<typeof DraftExportFormat>;

const DraftFile = lazySchema(() => z.object({ name: z.string().min(1), text: z.string() }));

export const draftCalls = {
  'drafts.list': {
    request: lazySchema(() => z.object({}).strict()),
    response: lazySchema(() =>
      z.object({ drafts: z.array(DraftSummary), problems: z.array(DraftProblemView) }),
    ),
  },
  /** A draft of one service, based on the live cache when connected, else the offline snapshot. */
  'drafts.create': {
    request: lazySchema(() =>
      z.object({ contextId: z.string(), releaseId: z.string(), name: z.string().min(1).optional() }).strict(),
    ),
    response: DraftView,
  },
  /** A draft whose base is the operator's YAML (VirtualService, DestinationRule, HTTPRoute). */
  'drafts.import': {
    request: lazySchema(() =>
      z
        .object({
          contextId: z.string(),
          /** The namespace objects without one are put in (and the draft's release lives in). */
          namespace: NamespaceName,
          /** Needed when the files route more than one host. */
          host: z.string().min(1).optional(),
          name: z.string().min(1).optional(),
          files: z.array(DraftFile).min(1),
        })
        .strict(),
    ),
    response: DraftView,
  },
  'drafts.get': { request: lazySchema(() => z.object({ id: z.string() }).strict()), response: DraftView },
  /**
   * Saves the draft's desired release, notes or name (rename); each field optional. `newVersion`
   * adds (or replaces) the version the draft creates, after `desired` is saved; null removes it.
   */
  'drafts.update': {
    request: lazySchema(() =>
      z
        .object({
          id: z.string(),
          desired: DesiredReleaseInput.optional(),
          newVersion: DraftNewVersionInput.nullable().optional(),
          notes: z.string().optional(),
          name: z.string().min(1).optional(),
        })
        .strict(),
    ),
    response: DraftView,
  },
  'drafts.duplicate': {
    request: lazySchema(() => z.object({ id: z.string(), name: z.string().min(1).optional() }).strict()),
    response: DraftView,
  },
  'drafts.delete': {
    request: lazySchema(() => z.object({ id: z.string() }).strict()),
    response: lazySchema(() => z.object({ deleted: z.boolean() })),
  },
  /** Base, draft and live side by side; needs the context connected. */
  'drafts.compare': {
    request: lazySchema(() =>
      z.object({ id: z.string(), resolutions: z.array(ConflictResolution).optional() }).strict(),
    ),
    response: DraftCompareView,
  },
  /**
   * The merged draft as a plan for `release.apply` (same review, dry-run and safe apply engine).
   * Refused with 'conflict' (details: the compare view) while an overlap is unresolved, and with
   * 'invalid-request' while the draft routes traffic to a version whose Deployment it creates.
   */
  'drafts.plan': {
    request: lazySchema(() =>
      z.object({ id: z.string(), resolutions: z.array(ConflictResolution).optional() }).strict(),
    ),
    response: PlanView,
  },
  'drafts.export': {
    request: lazySchema(() =>
      z.object({ id: z.string(), format: DraftExportFormat, file: DraftFile.optional() }).strict(),
    ),
    response: lazySchema(() =>
      z.object({
        text: z.string(),
        fileName: z.string(),
        /** For file-edit: objects edited in the file, and changed objects the file does not hold. */
        edited: z.array(z.string()).optional(),
        notInFile: z.array(z.string()).optional(),
      }),
    ),
  },
} as const;

export const draftEvents = {
  /** Drafts were created, saved, applied or removed (any window): reload the list. */
  'drafts.changed': lazySchema(() => z.object({ ids: z.array(z.string()) })),
} as const;
