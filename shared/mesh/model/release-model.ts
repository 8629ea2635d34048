// The ServiceRelease: one routable service as the operator sees it (versions, the weighted
// default route, ordered content rules, a mirror), read from VirtualService + DestinationRule(s)
// or from a Gateway API HTTPRoute. Everything the model does not own stays in the source objects
// and is never rewritten; `pointer`s say where each owned piece lives so writers touch only that.

import type { HTTPMatchRequest } from './istio-types.ts';
import type { StickySessions } from './sticky.ts';

export type VersionOrigin = 'subset' | 'deployment' | 'service';

export type ReleaseFlavor = 'istio' | 'gateway-api';

/** One object a release was read from, precise enough to guard a write (`resourceVersion`, `uid`). */
export interface SourceRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  resourceVersion?: string;
  uid?: string;
}

export interface ReleaseVersion {
  /** What the operator types: the subset name, or the Service name for Gateway API / host splits. */
  name: string;
  /** The destination host as written in the route (or the Service name for Gateway API). */
  host: string;
  /** The host resolved to its FQDN (`reviews` in `default` → `reviews.default.svc.cluster.local`). */
  fqdn: string;
  subset?: string;
  /** The pod labels that select this version (the subset's labels, or the Deployment's version label). */
  labels: Record<string, string>;
  origin: VersionOrigin;
  /** Whether the version exists as a routable target (a DestinationRule subset, a Service, or a bare host). */
  declared: boolean;
  /**
   * Why the route cannot send requests to the version although it names it (declared is then false):
   * a backendRef into another namespace that no ReferenceGrant permits.
   */
  unroutable?: string;
  /** Where the version was declared (the DestinationRule, Service or Deployment). */
  source?: SourceRef;
  /** Deployments whose pods carry this version's labels (names, same namespace). */
  deployments: string[];
}

export interface WeightedDestination {
  version: string;
  /** The weight as written (undefined when the key is absent). */
  rawWeight: number | undefined;
  /** Share of traffic in percent: integers summing to 100 for the whole route. */
  weight: number;
  /** JSON pointer of the destination entry in the source object (`/spec/http/2/route/0`). */
  pointer: string;
}

export interface DefaultRoute {
  /** Index of the http route (Istio) or rule (Gateway API) in the source object. */
  index: number;
  name?: string;
  /** JSON pointer of the route (`/spec/http/2` or `/spec/rules/0`). */
  pointer: string;
  destinations: WeightedDestination[];
}

export interface ContentRule {
  /** Stable while the object does not change: `http:<index>` or `rule:<index>`. */
  id: string;
  index: number;
  name?: string;
  pointer: string;
  /** Istio matches (ORed); for Gateway API the rule's matches converted to the Istio shape. */
  matches: HTTPMatchRequest[];
  version: string;
}

/** A rule taken out of the VirtualService and remembered in the `switchyard.io/disabled-rules` annotation. */
export interface DisabledRule {
  id: string;
  name?: string;
  /** Index in `spec.http` the rule had when it was disabled (re-enabled at the same place when possible). */
  position: number;
  version: string;
  route: Record<string, unknown>;
}

/** A route the model shows but cannot express (redirect, several weighted targets behind a match, …). */
export interface OtherRoute {
  index: number;
  name?: string;
  pointer: string;
  reason: string;
  /**
   * The versions it still sends requests to (a weight above 0), when it routes them: a matched
   * route the model cannot edit (a split, a weight under 100) takes its share all the same.
   */
  versions?: string[];
}

export interface MirrorTarget {
  /** Index of the http route carrying the mirror. */
  routeIndex: number;
  host: string;
  subset?: string;
  /** The version when the mirror targets one of this release's versions. */
  version?: string;
  /** Percentage of requests mirrored (100 when unset). */
  percentage: number;
}

export interface ServiceRelease {
  /** `<flavor>:<namespace>/<host>`: unique among the releases read from one set of objects. */
  id: string;
  flavor: ReleaseFlavor;
  namespace: string;
  /** FQDN of the host the release is named after (the first host of the VirtualService / HTTPRoute). */
  host: string;
  /** Every host the route answers for, as written. */
  hosts: string[];
  versions: ReleaseVersion[];
  defaultRoute: DefaultRoute | null;
  rules: ContentRule[];
  disabledRules: DisabledRule[];
  otherRoutes: OtherRoute[];
  mirrors: MirrorTarget[];
  /** Sticky sessions on the catch-all route (sticky.ts), when its destinations set the cookie. */
  sticky?: StickySessions;
  /** The route object (VirtualService or HTTPRoute) the release edits. */
  route: SourceRef;
  /** Every object the release came from: the route, DestinationRules, Services, Deployments. */
  sources: SourceRef[];
  editable: boolean;
  readOnlyReasons: string[];
  /**
   * Read without the cluster's ReferenceGrants (its user may not list them): its backendRefs into
   * other namespaces were not judged, and whatever routes it again must not judge them either.
   */
  referenceGrantsUnknown?: true;
}

export const DISABLED_RULES_ANNOTATION = 'switchyard.io/disabled-rules';

/** An edit that does not fit the release: an unknown version, a split that does not sum to 100, … */
export class ReleaseEditError extends Error {
  override name = 'ReleaseEditError';
  constructor(
    message: string,
    /** The object the problem is in, when there is one. */
    readonly target?: SourceRef,
    /** The field, as a dotted path (`spec.http[1].route`). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export function sourceRefOf(o: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string };
}): SourceRef {
  const { apiVersion, kind } = o;
  const { name, resourceVersion, uid } = o.metadata;
  const namespace = o.metadata.namespace || 'default';
  // Built whole when both are set (as a cluster's objects always have them): an object grown by
  // assignment past its literal keeps them in a separate backing store, ~25 bytes more each, and
  // main keeps a few of these per release.
  if (resourceVersion !== undefined && uid !== undefined)
    return { apiVersion, kind, namespace, name, resourceVersion: String(resourceVersion), uid };
  const ref: SourceRef = { apiVersion, kind, namespace, name };
  if (resourceVersion !== undefined) ref.resourceVersion = String(resourceVersion);
  if (uid !== undefined) ref.uid = uid;
  return ref;
}

export function sameObject(a: Pick<SourceRef, 'kind' | 'namespace' | 'name'>, b: typeof a): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}

/** `/spec/http/1/route` → `spec.http[1].route`, for error messages in the operator's terms. */
export function fieldOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, t) => (/^\d+$/.test(t) ? `${acc}[${t}]` : acc ? `${acc}.${t}` : t), '');
}
