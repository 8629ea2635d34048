// What the API server writes on its own into every object: never part of what an operator changes,
// reviews or restores. The one list of it, so a diff, an export and an undo agree on what to hide.

import type { KubeObject } from './istio-types.ts';
import { deepEqual } from './json-patch.ts';

/** metadata fields the server sets (or that only say how the server stored the object). */
export const SERVER_MANAGED_METADATA: readonly string[] = [
  'uid',
  'resourceVersion',
  'generation',
  'managedFields',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
];

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
