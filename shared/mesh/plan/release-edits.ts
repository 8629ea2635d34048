// What an operator can ask of a release, as pure transforms ServiceRelease → DesiredRelease. Each
// checks the request against the model and throws a ReleaseEditError naming the object and field;
// release-plan.ts turns the result into minimal, ordered patches.

import type { HTTPMatchRequest, ReleaseVersion, ServiceRelease, TrafficSplit } from '../model/index.ts';
import { fieldOf, ReleaseEditError } from '../model/index.ts';
import type { RouteSettings } from './new-rule-defaults.ts';

export interface DesiredRule {
  /** An existing rule (`http:3`, `rule:1`) or a disabled one (`disabled:0`); absent for a new rule. */
  id?: string;
  name?: string;
  matches: HTTPMatchRequest[];
  version: string;
  enabled: boolean;
  /** A new rule's own timeout/retries; what it leaves out it inherits from the catch-all route. */
  settings?: RouteSettings;
}

export interface DesiredVersion {
  name: string;
  labels: Record<string, string>;
}

export interface DesiredRelease {
  release: ServiceRelease;
  /** The catch-all route's split, in destination order: whole percent summing to 100. */
  split: TrafficSplit;
  /** Content rules in order (enabled ones are routed in this order), plus disabled ones. */
  rules: DesiredRule[];
  addedVersions: DesiredVersion[];
  removedVersions: string[];
  /** The catch-all route's mirror: absent keeps it as it is, null removes it (mirror-edits.ts). */
  mirror?: DesiredMirror | null;
  /** Sticky sessions: absent keeps them as they are, null turns them off (sticky-edits.ts). */
  sticky?: DesiredSticky | null;
}

/** Copies of `percentage`% of the catch-all route's requests go to `version` (answers discarded). */
export interface DesiredMirror {
  version: string;
  /** 0–100, at most one decimal (Istio's percentage is a double). */
  percentage: number;
}

/** Each user keeps the version they first got, by a cookie naming it (model/sticky.ts). */
export interface DesiredSticky {
  cookie: string;
  maxAgeSeconds: number;
}

export interface NewContentRule {
  matches: HTTPMatchRequest[];
  version: string;
  /** Without one, the plan names the rule from its version and conditions (new-rule-defaults.ts). */
  name?: string;
  /** Without them, the rule inherits the catch-all route's timeout and retries. */
  settings?: RouteSettings;
}

type Input = ServiceRelease | DesiredRelease;

function isDesired(x: Input): x is DesiredRelease {
  return 'release' in x && 'split' in x;
}

/** The release as it is, ready to be changed by the functions below. */
export function desiredOf(release: ServiceRelease): DesiredRelease {
  return {
    release,
    split: (release.defaultRoute?.destinations ?? []).map((d) => ({
      version: d.version,
      weight: d.weight,
    })),
    rules: [
      ...release.rules.map((r) => ({
        id: r.id,
        ...(r.name !== undefined ? { name: r.name } : {}),
        matches: r.matches,
        version: r.version,
        enabled: true,
      })),
      ...release.disabledRules.map((r) => ({
        id: r.id,
        ...(r.name !== undefined ? { name: r.name } : {}),
        matches: (r.route.match ?? []) as HTTPMatchRequest[],
        version: r.version,
        enabled: false,
      })),
    ],
    addedVersions: [],
    removedVersions: [],
  };
}

function start(x: Input): DesiredRelease {
  const d = isDesired(x) ? x : desiredOf(x);
  if (!d.release.editable) {
    throw new ReleaseEditError(
      `${d.release.route.kind} ${d.release.route.namespace}/${d.release.route.name} is read-only: ${d.release.readOnlyReasons.join('; ')}`,
      d.release.route,
    );
  }
  return {
    ...d,
    split: d.split.map((s) => ({ ...s })),
    rules: d.rules.map((r) => ({ ...r })),
    addedVersions: d.addedVersions.map((v) => ({ ...v })),
    removedVersions: [...d.removedVersions],
  };
}

function routesField(d: DesiredRelease): string {
  return d.release.flavor === 'istio' ? 'spec.http' : 'spec.rules';
}

function knownVersions(d: DesiredRelease): string[] {
  return [...d.release.versions.map((v) => v.name), ...d.addedVersions.map((v) => v.name)].filter(
    (n) => !d.removedVersions.includes(n),
  );
}

/** A version of the release (not removed in this change) or one added in it. */
function requireKnown(d: DesiredRelease, name: string, field: string): void {
  const known = knownVersions(d);
  if (!known.includes(name)) {
    throw new ReleaseEditError(
      `unknown version '${name}' (known: ${known.join(', ') || 'none'})`,
      d.release.route,
      field,
    );
  }
}

/**
 * A version that can receive traffic: a declared subset/Service, or one added in this change. A
 * version a route names whose DestinationRule is in view but does not define its subset is not
 * one, even if some route already sends to it: those requests fail (503), and an edit must not
 * send more. When no DestinationRule of its host is in view (a file holding the VirtualService
 * alone), a version the route already sends to is taken as written. A version the reader knows the
 * route cannot reach (`unroutable`: a backendRef no ReferenceGrant permits) is never one.
 */
function requireRoutable(d: DesiredRelease, name: string, field: string): void {
  requireKnown(d, name, field);
  const v: ReleaseVersion | undefined = d.release.versions.find((x) => x.name === name);
  if (!v || v.declared || d.addedVersions.some((a) => a.name === name)) return;
  if (v.unroutable !== undefined)
    throw new ReleaseEditError(
      `version '${name}' cannot take traffic: ${v.unroutable}`,
      d.release.route,
      field,
    );
  const dr = d.release.versions.find((x) => x.fqdn === v.fqdn && x.origin === 'subset' && x.declared)?.source;
  const routed = d.split.some((s) => s.version === name) || d.rules.some((r) => r.version === name);
  if (!dr && routed) return;
  const what =
    v.origin === 'deployment'
      ? `only a Deployment label; add a DestinationRule subset first`
      : dr
        ? `not a subset of DestinationRule ${dr.namespace}/${dr.name} (no subset '${v.subset ?? name}'): requests sent to it fail (503); add the subset first`
        : 'not declared';
  throw new ReleaseEditError(`version '${name}' is ${what}`, d.release.route, field);
}

/**
 * For callers that build a DesiredRelease's rules themselves (the console's input): refuses to
 * send a rule's requests to `name` unless it can take them, as addContentRule and retargetRule do.
 */
export function requireRuleTarget(d: DesiredRelease, name: string, where: string): void {
  try {
    requireRoutable(d, name, routesField(d));
  } catch (e) {
    if (!(e instanceof ReleaseEditError)) throw e;
    throw new ReleaseEditError(`${where}: ${e.message}`, e.target, e.field);
  }
}

/** The catch-all weight the cluster gives `name` now (0 when it has no destination there). */
function clusterWeight(d: DesiredRelease, name: string): number {
  return (d.release.defaultRoute?.destinations ?? [])
    .filter((x) => x.version === name)
    .reduce((sum, x) => sum + x.weight, 0);
}

/**
 * Sets the catch-all route's split. Every listed weight is a whole percent; together they must make
 * 100; versions not listed get 0 (their destinations stay, at weight 0, so rolling back is one edit).
 * The split keeps the shape and the name `weight` it has from the slider to the patch.
 */
export function setSplit(x: Input, wanted: Readonly<TrafficSplit>): DesiredRelease {
  const d = start(x);
  const dr = d.release.defaultRoute;
  const field = dr ? fieldOf(dr.pointer) : routesField(d);
  if (!dr) {
    throw new ReleaseEditError(
      `${d.release.route.kind} ${d.release.route.name} has no catch-all route to split (one without match)`,
      d.release.route,
      routesField(d),
    );
  }
  let total = 0;
  const named = new Map<string, number>();
  for (const { version, weight } of wanted) {
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      throw new ReleaseEditError(
        `weight of '${version}' must be a whole number from 0 to 100, got ${weight}`,
        d.release.route,
        field,
      );
    }
    if (named.has(version)) {
      throw new ReleaseEditError(
        `version '${version}' is named twice in the split; give each version one weight`,
        d.release.route,
        field,
      );
    }
    named.set(version, weight);
    total += weight;
    // Keeping or lowering what a version gets is always allowed (moving traffic off a broken one
    // included); giving it more needs it routable.
    if (weight > clusterWeight(d, version)) requireRoutable(d, version, field);
    else requireKnown(d, version, field);
  }
  if (total !== 100) {
    throw new ReleaseEditError(`weights add up to ${total}, not 100`, d.release.route, field);
  }
  const split = d.split.map((s) => ({ version: s.version, weight: named.get(s.version) ?? 0 }));
  for (const { version, weight } of wanted) {
    if (weight > 0 && !split.some((s) => s.version === version)) split.push({ version, weight });
  }
  d.split = split;
  return d;
}

/**
 * Gives one version 100% of the catch-all route and every other version 0%. Content rules are NOT
 * touched, so requests they match still reach their versions: for "all traffic", see
 * routeAllTrafficTo in all-traffic.ts (the three levels are listed at allWeightTo, model/weights.ts).
 */
export function setCatchAllTo(x: Input, version: string): DesiredRelease {
  return setSplit(x, [{ version, weight: 100 }]);
}

/** Adds a content rule; by default last among the rules, i.e. just before the catch-all route. */
export function addContentRule(x: Input, rule: NewContentRule, position?: number): DesiredRelease {
  const d = start(x);
  if (rule.matches.length === 0) {
    throw new ReleaseEditError('a content rule needs at least one match', d.release.route, routesField(d));
  }
  requireRoutable(d, rule.version, routesField(d));
  const enabled = d.rules.filter((r) => r.enabled);
  const at = position === undefined ? enabled.length : Math.max(0, Math.min(position, enabled.length));
  const anchor = enabled[at];
  const newRule: DesiredRule = {
    ...(rule.name !== undefined ? { name: rule.name } : {}),
    matches: rule.matches,
    version: rule.version,
    enabled: true,
    ...(rule.settings !== undefined ? { settings: rule.settings } : {}),
  };
  d.rules.splice(anchor ? d.rules.indexOf(anchor) : d.rules.length, 0, newRule);
  return d;
}

function findRule(d: DesiredRelease, id: string): number {
  const i = d.rules.findIndex((r) => r.id === id);
  if (i === -1) {
    const ids = d.rules.map((r) => r.id).filter(Boolean);
    throw new ReleaseEditError(
      `no content rule '${id}' (rules: ${ids.join(', ') || 'none'})`,
      d.release.route,
      routesField(d),
    );
  }
  return i;
}

export function removeContentRule(x: Input, id: string): DesiredRelease {
  const d = start(x);
  d.rules.splice(findRule(d, id), 1);
  return d;
}

/**
 * Disabling takes the rule out of the route and keeps it, whole, in the route object's
 * `switchyard.io/disabled-rules` annotation (JSON); enabling puts it back where it was.
 */
export function setRuleEnabled(x: Input, id: string, enabled: boolean): DesiredRelease {
  const d = start(x);
  if (d.release.flavor !== 'istio') {
    throw new ReleaseEditError(
      'disabling rules is supported on VirtualServices only',
      d.release.route,
      'spec.rules',
    );
  }
  const i = findRule(d, id);
  const rule = d.rules[i]!;
  if (rule.enabled === enabled) return d;
  if (enabled) requireRuleTarget(d, rule.version, `cannot enable rule '${id}'`);
  d.rules.splice(i, 1);
  const stored = d.release.disabledRules.find((r) => r.id === id);
  const enabledRules = d.rules.filter((r) => r.enabled);
  let at = enabledRules.length;
  if (enabled && stored) {
    // Back to its old place: after the rules that stood before it when it was disabled.
    // Rules re-enabled in the same change count by the position they were disabled at.
    const before = enabledRules.filter((r) => {
      const cur = d.release.rules.find((c) => c.id === r.id);
      if (cur) return cur.index < stored.position;
      const back = d.release.disabledRules.find((c) => c.id === r.id);
      return back !== undefined && back.position < stored.position;
    });
    at = before.length;
  }
  const anchor = enabledRules[at];
  d.rules.splice(anchor ? d.rules.indexOf(anchor) : d.rules.length, 0, { ...rule, enabled });
  return d;
}

/** Declares a new version as a DestinationRule subset (created before any route points at it). */
export function addVersion(x: Input, version: DesiredVersion): DesiredRelease {
  const d = start(x);
  if (d.release.flavor !== 'istio') {
    throw new ReleaseEditError(
      'Gateway API versions are Services: create the Service instead',
      d.release.route,
    );
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(version.name)) {
    throw new ReleaseEditError(`version name '${version.name}' must be a DNS label`, d.release.route);
  }
  const existing = d.release.versions.find((v) => v.name === version.name);
  if (
    (existing?.declared && existing.origin === 'subset') ||
    d.addedVersions.some((v) => v.name === version.name)
  ) {
    throw new ReleaseEditError(
      `version '${version.name}' already exists`,
      existing?.source ?? d.release.route,
    );
  }
  if (Object.keys(version.labels).length === 0) {
    throw new ReleaseEditError(
      `version '${version.name}' needs pod labels to select its pods`,
      d.release.route,
    );
  }
  d.addedVersions.push({ name: version.name, labels: { ...version.labels } });
  return d;
}

/**
 * Removes a version that no longer carries catch-all traffic: its destinations and the rules routing
 * to it go first (one route step), its subset after (make-before-break in reverse).
 */
export function removeVersion(x: Input, name: string): DesiredRelease {
  const d = start(x);
  const v = d.release.versions.find((x2) => x2.name === name);
  if (!v) requireKnown(d, name, routesField(d));
  const share = d.split.find((s) => s.version === name)?.weight ?? 0;
  if (share > 0) {
    throw new ReleaseEditError(
      `version '${name}' still receives ${share}% of traffic; move it to other versions first`,
      d.release.route,
      d.release.defaultRoute ? fieldOf(d.release.defaultRoute.pointer) : routesField(d),
    );
  }
  d.split = d.split.filter((s) => s.version !== name);
  d.rules = d.rules.filter((r) => r.version !== name || !r.enabled);
  d.addedVersions = d.addedVersions.filter((a) => a.name !== name);
  if (v?.origin === 'subset' && v.declared) d.removedVersions.push(name);
  return d;
}

/**
 * Points an existing content rule at another version, in place: its name, matches, position and
 * every other field of the route stay; only the destination changes.
 */
export function retargetRule(x: Input, id: string, version: string): DesiredRelease {
  const d = start(x);
  const i = findRule(d, id);
  requireRoutable(d, version, routesField(d));
  d.rules[i] = { ...d.rules[i]!, version };
  return d;
}
