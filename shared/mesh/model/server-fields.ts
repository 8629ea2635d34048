// What the API server writes on its own into every object: never part of what an operator changes,
// reviews or restores. The one list of it, so a diff, an export and an undo agree on what to hide.

import type { KubeObject } from './istio-types.ts';
import { deepEqual } from './json-patch.ts';

/**
 * Every field of a Kubernetes ObjectMeta, in the order the API server prints them: the one list
 * the app and the demo mesh's API server both read (what to hide, what nobody owns, what a
 * typo is, how to order an answer).
 */
export const OBJECT_META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
] as const;
export type ObjectMetaField = (typeof OBJECT_META_FIELDS)[number];

/** What the operator writes into metadata; every other field is identity or the server's. */
const OPERATOR_METADATA: ReadonlySet<ObjectMetaField> = new Set([
  'generateName',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
]);

/** The object's identity: who it is, not what it holds. */
const IDENTITY_METADATA: ReadonlySet<ObjectMetaField> = new Set(['name', 'namespace']);

/** metadata fields the server sets (or that only say how the server stored the object). */
export const SERVER_MANAGED_METADATA: readonly string[] = OBJECT_META_FIELDS.filter(
  (f) => !OPERATOR_METADATA.has(f) && !IDENTITY_METADATA.has(f),
);

/** metadata no field manager owns: the identity and what the server sets. */
export const UNOWNED_METADATA: readonly string[] = OBJECT_META_FIELDS.filter(
  (f) => !OPERATOR_METADATA.has(f),
);

/** Written by `kubectl apply` (client-side): a copy of the whole object, noise in any diff. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The object without server-managed metadata and the last-applied annotation (an annotation map
 * left empty goes too), and without status unless `keepStatus`. The input is not modified.
 */
export function withoutServerFields(o: KubeObject, keepStatus = false): KubeObject {
  const { status, ...rest } = o;
  const metadata: KubeObject['metadata'] = { ...o.metadata };
  for (const f of SERVER_MANAGED_METADATA) delete metadata[f];
  if (metadata.annotations && LAST_APPLIED_ANNOTATION in metadata.annotations) {
    const { [LAST_APPLIED_ANNOTATION]: _last, ...others } = metadata.annotations;
    if (Object.keys(others).length > 0) metadata.annotations = others;
    else delete metadata.annotations;
  }
  return keepStatus && status !== undefined ? { ...rest, metadata, status } : { ...rest, metadata };
}

/**
 * Before and after of one change as a review shows them: both without server fields, and without
 * status unless the status itself is what differs between the two.
 */
export function reviewPair(
  before: KubeObject | null | undefined,
  after: KubeObject | null | undefined,
): [KubeObject | null, KubeObject | null] {
  const statusChanged =
    before?.status !== undefined && after?.status !== undefined && !deepEqual(before.status, after.status);
  return [
    before ? withoutServerFields(before, statusChanged) : null,
    after ? withoutServerFields(after, statusChanged) : null,
  ];
}
