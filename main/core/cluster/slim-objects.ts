import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { WatchedResource } from './cluster-resources.ts';
import type { StringPool } from './interned-strings.ts';
import { internStrings } from './interned-strings.ts';

// What the watch cache keeps of each object. Pods and ReplicaSets are most of a large cluster and
// only a few of their fields are ever read in main (see the readers named on each function), so
// they are cut down on ingest. Every other kind is kept whole: VirtualServices, DestinationRules,
// HTTPRoutes, Services and Deployments are cloned, patched, diffed and snapshotted. managedFields
// (often half of an object) goes from every kind: nothing reads it.

type Json = Record<string, unknown>;

const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The listed keys of `o` that are set, in that order; undefined when `o` is not an object. */
function pick(o: unknown, keys: readonly string[]): Json | undefined {
  if (!isRecord(o)) return undefined;
  const out: Json = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

const OWNER_KEYS = ['apiVersion', 'kind', 'name', 'uid', 'controller'] as const;

/** Identity, labels, owners and age: what the readers of a slim kind use of its metadata. */
function slimMetadata(
  metadata: KubeObject['metadata'],
  extra: readonly string[] = [],
): KubeObject['metadata'] {
  const out = pick(metadata, [
    'name',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'labels',
    ...extra,
  ]) as KubeObject['metadata'];
  if (Array.isArray(metadata.ownerReferences))
    out.ownerReferences = metadata.ownerReferences.map(
      (r) => pick(r, OWNER_KEYS) as NonNullable<KubeObject['metadata']['ownerReferences']>[number],
    );
  return out;
}

/** The list item with its kind and apiVersion (list items may come without) and no managedFields. */
function withoutManagedFields(obj: KubeObject, resource: WatchedResource): KubeObject {
  const apiVersion = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
  const { managedFields: _dropped, ...metadata } = obj.metadata ?? { name: '' };
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? resource.kind, metadata };
}

/**
 * A Pod as the console reads it (release-views: pods selected by labels, ready from the Ready
 * condition or else every container's `ready`, restarts from `restartCount`; lint: labels and
 * namespace). Its spec (volumes, env, probes) and annotations (the sidecar's status) are dropped.
 */
export function slimPod(obj: KubeObject): KubeObject {
  const status = isRecord(obj.status) ? obj.status : undefined;
  const slim: KubeObject = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: slimMetadata(obj.metadata),
  };
  if (!status) return slim;
  const out: Json = pick(status, ['phase', 'reason']) ?? {};
  if (Array.isArray(status.conditions))
    out.conditions = status.conditions
      .filter((c) => isRecord(c) && c.type === 'Ready')
      .map((c) => pick(c, ['type', 'status']));
  if (Array.isArray(status.containerStatuses))
    out.containerStatuses = status.containerStatuses.map((c) => pick(c, ['name', 'ready', 'restartCount']));
  slim.status = out;
  return slim;
}

const REPLICA_SET_STATUS = [
  'replicas',
  'fullyLabeledReplicas',
  'readyReplicas',
  'availableReplicas',
  'observedGeneration',
] as const;

/**
 * A ReplicaSet as main reads it: the release index marks the routes of the Services whose selector
 * matches its pod template's labels (`pod-template-hash` among them); owners, revision and
 * replica counts say which Deployment revision it is and how far it got.
 */
export function slimReplicaSet(obj: KubeObject): KubeObject {
  const metadata = slimMetadata(obj.metadata);
  const revision = obj.metadata.annotations?.['deployment.kubernetes.io/revision'];
  if (revision !== undefined) metadata.annotations = { 'deployment.kubernetes.io/revision': revision };
  const slim: KubeObject = { apiVersion: obj.apiVersion, kind: obj.kind, metadata };
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  if (spec) {
    const out: Json = pick(spec, ['replicas']) ?? {};
    const template = isRecord(spec.template) ? spec.template : undefined;
    const labels = isRecord(template?.metadata) ? template.metadata.labels : undefined;
    if (labels !== undefined) out.template = { metadata: { labels } };
    slim.spec = out;
  }
  if (isRecord(obj.status)) slim.status = pick(obj.status, REPLICA_SET_STATUS);
  return slim;
}

/**
 * What the watch cache keeps of one listed or watched object of `resource`; with a pool, its
 * strings are the pool's copies (equal values, one copy each: see interned-strings.ts).
 */
export function slimObject(obj: KubeObject, resource: WatchedResource, strings?: StringPool): KubeObject {
  const full = withoutManagedFields(obj, resource);
  const slim =
    resource.key === 'pods' ? slimPod(full) : resource.key === 'replicasets' ? slimReplicaSet(full) : full;
  return strings ? internStrings(slim, strings) : slim;
}
