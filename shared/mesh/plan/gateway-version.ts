// A new version on a Gateway API release. HTTPRoute has no subsets: each version is its own
// backend Service, so a new version is a Deployment (cloned by the wizard), a Service selecting
// its pods (this file makes it from the stable version's backend Service) and a backendRef on the
// catch-all rule, added at weight 0 only once the Service has ready endpoints.

import type { JsonPatchOp, KubeObject, ServiceRelease } from '../model/index.ts';
import { deepEqual, isPlainObject, ReleaseEditError } from '../model/index.ts';
import { versionLabelOf } from '../read/index.ts';
import type { DesiredRelease } from './release-edits.ts';
import { desiredOf } from './release-edits.ts';
import type { WithdrawRefsOptions } from './withdrawn-backend-refs.ts';
import { withdrawnBackendRefs } from './withdrawn-backend-refs.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Marks the objects Switchyard created for a version (the Service; the Deployment is a clone). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** The release (`<namespace>.<service>.<version>`) a version Service was created for. */
export const CREATED_FOR_ANNOTATION = 'switchyard.io/created-for-release';

type ServiceSpec = { selector?: Record<string, string>; ports?: unknown[] };

export function selectorOfService(svc: KubeObject): Record<string, string> {
  const sel = (svc.spec as ServiceSpec | undefined)?.selector;
  return isPlainObject(sel) ? { ...(sel as Record<string, string>) } : {};
}

/**
 * The new version's Service name, following the stable backend's pattern: `search-v1` with pods
 * labelled `version: v1` gives `search-v2`; a stable name that does not end in its version gives
 * `<service>-<version>` (the service being the route's parent Service or host).
 */
export function versionServiceName(
  stableName: string,
  stableVersion: string,
  service: string,
  version: string,
) {
  const suffix = `-${stableVersion}`;
  const name =
    stableVersion !== '' && stableName.endsWith(suffix) && stableName.length > suffix.length
      ? `${stableName.slice(0, -suffix.length)}-${version}`
      : `${service}-${version}`;
  if (!DNS_LABEL.test(name) || name.length > 63)
    throw new ReleaseEditError(
      `the new version's Service name '${name}' is not a DNS label (at most 63 characters)`,
    );
  return name;
}

/** The Service of a new version: the stable backend's selector with the version label swapped, its ports. */
export function versionService(
  stable: KubeObject,
  opts: { name: string; version: string; releaseId: string },
): KubeObject {
  const where = `Service ${stable.metadata.namespace ?? 'default'}/${stable.metadata.name}`;
  const selector = selectorOfService(stable);
  const vl = versionLabelOf(selector);
  if (!vl)
    throw new ReleaseEditError(
      `${where} selects no version label (version, app.kubernetes.io/version): the new version's Service cannot be told apart from it`,
    );
  const ports = (stable.spec as ServiceSpec | undefined)?.ports;
  if (!Array.isArray(ports) || ports.length === 0)
    throw new ReleaseEditError(`${where} has no ports to copy for the new version's Service`);
  const keep = ['name', 'port', 'targetPort', 'protocol', 'appProtocol'];
  const labels = { ...(stable.metadata.labels ?? {}) };
  if (vl.key in labels) labels[vl.key] = opts.version;
  labels[MANAGED_BY_LABEL] = 'switchyard';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: opts.name,
      namespace: stable.metadata.namespace ?? 'default',
      labels,
      annotations: { [CREATED_FOR_ANNOTATION]: opts.releaseId },
    },
    spec: {
      selector: { ...selector, [vl.key]: opts.version },
      ports: ports.map((p) =>
        isPlainObject(p) ? Object.fromEntries(Object.entries(p).filter(([k]) => keep.includes(k))) : p,
      ),
    },
  };
}

/** The Deployment whose pods the backend Service selects (the first by name when several do). */
export function deploymentOfService(svc: KubeObject, objects: readonly KubeObject[]): KubeObject | undefined {
  const selector = selectorOfService(svc);
  if (Object.keys(selector).length === 0) return undefined;
  const ns = svc.metadata.namespace ?? 'default';
  return objects
    .filter((o) => o.kind === 'Deployment' && (o.metadata.namespace ?? 'default') === ns)
    .filter((d) => {
      const labels = (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)
        ?.template?.metadata?.labels;
      return !!labels && Object.entries(selector).every(([k, v]) => labels[k] === v);
    })
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))[0];
}

/**
 * Adds a version (a backend Service) to the catch-all rule at weight 0: listed, so weights can move
 * to it, but receiving nothing. Refused on an Istio release, without a catch-all rule, or when the
 * rule lists it already.
 */
export function addBackendAtZero(x: ServiceRelease | DesiredRelease, service: string): DesiredRelease {
  const isDesired = 'release' in x && 'split' in x;
  const release = isDesired ? x.release : x;
  if (release.flavor !== 'gateway-api')
    throw new ReleaseEditError(
      'backendRefs are Gateway API routes; add an Istio version as a subset',
      release.route,
    );
  const d = isDesired ? { ...x, split: x.split.map((v) => ({ ...v })) } : desiredOf(release);
  if (!release.defaultRoute)
    throw new ReleaseEditError(
      `HTTPRoute ${release.route.name} has no catch-all rule (one without matches) to add ${service} to`,
      release.route,
      'spec.rules',
    );
  if (d.split.some((s) => s.version === service))
    throw new ReleaseEditError(`the catch-all rule already lists ${service}`, release.route, 'spec.rules');
  d.split = [...d.split, { version: service, weight: 0 }];
  return d;
}

/** The catch-all rule's backendRefs as written (a copy), or null without one. */
export function catchAllBackendRefs(release: ServiceRelease, route: KubeObject): unknown[] | null {
  if (!release.defaultRoute) return null;
  const rule = (route.spec as { rules?: unknown[] } | undefined)?.rules?.[release.defaultRoute.index];
  const refs = isPlainObject(rule) ? rule.backendRefs : undefined;
  return Array.isArray(refs) ? (JSON.parse(JSON.stringify(refs)) as unknown[]) : null;
}

/**
 * The guarded patch that takes a new version out of an HTTPRoute: the content rules sending
 * requests to it go, and its backendRef leaves the catch-all, its share going back to the stable
 * version (`withdrawnBackendRefs`: from the refs as they are now, other versions untouched; the
 * refs from before it was added only where they route the same). Every value replaced or removed
 * is tested first; empty when nothing differs.
 */
export function withdrawVersionOps(
  release: ServiceRelease,
  route: KubeObject,
  version: string,
  opts: Pick<WithdrawRefsOptions, 'stable' | 'before'>,
): JsonPatchOp[] {
  const catchAll = release.defaultRoute;
  if (release.flavor !== 'gateway-api' || !catchAll)
    throw new ReleaseEditError(
      'only an HTTPRoute with a catch-all rule can withdraw a version',
      release.route,
    );
  const rules = (route.spec as { rules?: unknown[] } | undefined)?.rules ?? [];
  const gone = release.rules.filter((r) => r.version === version).map((r) => r.index);
  const tests: JsonPatchOp[] = [];
  const changes: JsonPatchOp[] = [];
  for (const i of [...gone].sort((a, b) => b - a)) {
    tests.push({ op: 'test', path: `/spec/rules/${i}`, value: rules[i] });
    changes.push({ op: 'remove', path: `/spec/rules/${i}` });
  }
  const now = catchAllBackendRefs(release, route) ?? [];
  const next = withdrawnBackendRefs(now, {
    ...opts,
    version,
    routeNamespace: route.metadata.namespace ?? 'default',
  });
  if (!deepEqual(now, next)) {
    const at = catchAll.index - gone.filter((i) => i < catchAll.index).length;
    tests.push({ op: 'test', path: `/spec/rules/${catchAll.index}/backendRefs`, value: now });
    changes.push({ op: 'replace', path: `/spec/rules/${at}/backendRefs`, value: next });
  }
  if (changes.length === 0) return [];
  const rv = route.metadata.resourceVersion;
  return [
    ...(rv === undefined ? [] : [{ op: 'test' as const, path: '/metadata/resourceVersion', value: rv }]),
    ...tests,
    ...changes,
  ];
}
