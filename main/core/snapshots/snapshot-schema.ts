// The stored shape of an offline snapshot (issue 8): the objects a context's last session showed,
// kept so the app can show that cluster read-only, and draft against it, with no connection at all.

import { z } from 'zod';
import { lazySchema } from '../../../shared/api/lazy-schema.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { LAST_APPLIED_ANNOTATION } from '../../../shared/mesh/model/index.ts';

export const SNAPSHOT_SCHEMA_VERSION = 1;

/**
 * What a snapshot keeps: routes, DestinationRules, the ReferenceGrants HTTPRoutes reach other
 * namespaces by, Services and Deployments. Pods are not kept.
 */
export const SNAPSHOT_KINDS = [
  'VirtualService',
  'DestinationRule',
  'HTTPRoute',
  'ReferenceGrant',
  'Service',
  'Deployment',
] as const;
const KEPT = new Set<string>(SNAPSHOT_KINDS);

export const snapshotObjectSchema = lazySchema(() =>
  z.looseObject({
    apiVersion: z.string().min(1),
    kind: z.enum(SNAPSHOT_KINDS),
    metadata: z.looseObject({
      name: z.string().min(1),
      namespace: z.string().optional(),
      uid: z.string().optional(),
      resourceVersion: z.string().optional(),
    }),
  }),
);

export const snapshotHeaderSchema = lazySchema(() =>
  z.object({
    schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
    /** The contract's context id (`demo`, `kube:<name>`); the file name only encodes it. */
    contextId: z.string().min(1),
    contextName: z.string(),
    cluster: z.string(),
    /** When the objects were read from the watch cache (ISO 8601). */
    capturedAt: z.iso.datetime(),
    /**
     * 'watched' when the session watched ReferenceGrants, so the snapshot holds all it could see.
     * Absent (snapshots from before, or a user who may not list them): its cross-namespace
     * backendRefs are read unjudged offline.
     */
    referenceGrants: z.literal('watched').optional(),
  }),
);
export type SnapshotHeader = z.infer<typeof snapshotHeaderSchema>;

export const snapshotSchema = lazySchema(() =>
  snapshotHeaderSchema.extend({ objects: z.array(snapshotObjectSchema) }),
);

export interface Snapshot extends SnapshotHeader {
  objects: KubeObject[];
}

export function isSnapshotKind(kind: string): boolean {
  return KEPT.has(kind);
}

/**
 * A copy of the object without what is large and useless offline: `metadata.managedFields` and
 * kubectl's last-applied annotation. resourceVersion and uid stay (a draft's base needs them).
 * The object itself is not changed (it may be the watch cache's own).
 */
export function stripForSnapshot(o: KubeObject): KubeObject {
  const { managedFields: _managedFields, annotations, ...metadata } = o.metadata;
  if (annotations) {
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...rest } = annotations;
    if (Object.keys(rest).length > 0) metadata.annotations = rest;
  }
  return { ...o, metadata: metadata as KubeObject['metadata'] };
}
