// A grayscale version's Deployment, cloned from the stable one: a new name, image, version label
// and replica count, and nothing the server set (status, uid, resourceVersion, revision, …), so
// the API server takes it as a new object and the two Deployments never select each other's pods.

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import {
  deepClone,
  isPlainObject,
  LAST_APPLIED_ANNOTATION,
  SERVER_MANAGED_METADATA,
} from '../../../shared/mesh/model/index.ts';
import { VERSION_LABEL_KEYS, versionLabelOf } from '../../../shared/mesh/read/index.ts';

export interface NewVersionSpec {
  version: string;
  image: string;
  replicas: number;
  /** Defaults to the stable name with its version swapped (`reviews-v1` → `reviews-v3`), else `<name>-<version>`. */
  name?: string;
  /** The container whose image changes; the first one by default. */
  container?: string;
}

export class CloneError extends Error {
  override name = 'CloneError';
}

const SERVER_ANNOTATIONS = ['deployment.kubernetes.io/revision', LAST_APPLIED_ANNOTATION];
/** The server's metadata, and the owner: a copy is the operator's own, not the original's owner's. */
const SERVER_METADATA = [...SERVER_MANAGED_METADATA, 'ownerReferences'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

interface PodSpecLike {
  containers?: Array<{ name?: string; image?: string; [k: string]: unknown }>;
}
interface DeploymentSpecLike {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string>; [k: string]: unknown };
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: PodSpecLike;
  };
  [k: string]: unknown;
}

export function defaultCloneName(
  stableName: string,
  stableVersion: string | undefined,
  version: string,
): string {
  if (stableVersion && stableName.endsWith(`-${stableVersion}`))
    return `${stableName.slice(0, -stableVersion.length)}${version}`;
  return `${stableName}-${version}`;
}

/** The version label of a Deployment's pods (`version: v1`), or null when it has none. */
export function podVersionLabel(d: KubeObject): { key: string; value: string } | null {
  return versionLabelOf((d.spec as DeploymentSpecLike | undefined)?.template?.metadata?.labels);
}

export function cloneDeploymentForVersion(stable: KubeObject, spec: NewVersionSpec): KubeObject {
  const where = `Deployment ${stable.metadata.namespace ?? 'default'}/${stable.metadata.name}`;
  if (stable.kind !== 'Deployment')
    throw new CloneError(`${stable.kind} ${stable.metadata.name} is not a Deployment`);
  if (!DNS_LABEL.test(spec.version) || spec.version.length > 63)
    throw new CloneError(
      `version '${spec.version}' must be a DNS label (lower-case letters, digits and '-')`,
    );
  if (!Number.isInteger(spec.replicas) || spec.replicas < 0)
    throw new CloneError(`replicas must be a whole number >= 0, got ${spec.replicas}`);
  if (spec.image.trim() === '') throw new CloneError('the image must not be empty');
  const src = stable.spec as DeploymentSpecLike | undefined;
  if (!isPlainObject(src) || !isPlainObject(src.template))
    throw new CloneError(`${where} has no spec.template`);
  const current = podVersionLabel(stable);
  if (current?.value === spec.version)
    throw new CloneError(`${where} already runs version '${spec.version}'`);
  const key = current?.key ?? 'version';

  const { status: _status, ...rest } = deepClone(stable);
  const metadata = { ...rest.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  const name = spec.name ?? defaultCloneName(stable.metadata.name, current?.value, spec.version);
  if (!DNS_LABEL.test(name.replace(/\./g, '-')))
    throw new CloneError(`name '${name}' is not a valid Deployment name`);
  metadata.name = name;
  if (metadata.annotations) {
    for (const a of SERVER_ANNOTATIONS) delete metadata.annotations[a];
    if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  }
  if (metadata.labels)
    for (const k of VERSION_LABEL_KEYS) if (k in metadata.labels) metadata.labels[k] = spec.version;

  const out = { ...rest, metadata } as KubeObject & { spec: DeploymentSpecLike };
  const d = out.spec;
  d.replicas = spec.replicas;
  const template = d.template as NonNullable<DeploymentSpecLike['template']>;
  template.metadata ??= {};
  const labels = { ...(template.metadata.labels ?? {}) };
  delete labels['pod-template-hash'];
  for (const k of VERSION_LABEL_KEYS) if (k in labels) labels[k] = spec.version;
  labels[key] = spec.version;
  template.metadata.labels = labels;
  d.selector = {
    ...(d.selector ?? {}),
    matchLabels: { ...(d.selector?.matchLabels ?? {}), [key]: spec.version },
  };
  for (const [k, v] of Object.entries(d.selector.matchLabels ?? {})) {
    if (labels[k] !== v)
      throw new CloneError(`${where}: selector label ${k}=${v} is not on the pod template`);
  }

  const containers = template.spec?.containers ?? [];
  const target =
    spec.container === undefined ? containers[0] : containers.find((c) => c.name === spec.container);
  if (!target) {
    const names = containers.map((c) => c.name).join(', ') || 'none';
    throw new CloneError(
      spec.container === undefined
        ? `${where} has no containers`
        : `${where} has no container '${spec.container}' (containers: ${names})`,
    );
  }
  target.image = spec.image;
  return out;
}
