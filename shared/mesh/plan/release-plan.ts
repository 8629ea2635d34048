// From (current objects, desired release) to the minimal ordered plan: JSON Patch steps guarded by
// `test` on resourceVersion and on every value they replace or remove. New subsets are created in a
// step before the route that uses them; removed subsets go in a step after the route stops using them.

import type { JsonPatchOp, KubeObject, ServiceRelease, SourceRef } from '../model/index.ts';
import {
  applyJsonPatch,
  DISABLED_RULES_ANNOTATION,
  escapePointerToken,
  getAtPointer,
  isPlainObject,
  ReleaseEditError,
  relativeWeightsFor,
} from '../model/index.ts';
import { resolveHost, toGatewayMatches } from '../read/index.ts';
import { backendPortFor } from './backend-port.ts';
import { mirrorOps } from './mirror-plan.ts';
import { mirrorStickyPlanWords } from './mirror-sticky-summary.ts';
import { defaultRuleName, inheritedRouteFields } from './new-rule-defaults.ts';
import type { DesiredRelease, DesiredRule } from './release-edits.ts';
import { withStickyRules } from './sticky-edits.ts';
import { stickyDestinationFields, stickyOps } from './sticky-plan.ts';
import { subsetReferences } from './subset-references.ts';

export interface PlanTarget {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface PlanStep {
  id: string;
  description: string;
  target: PlanTarget;
  patch: JsonPatchOp[];
  dependsOn?: string[];
}

export interface ReleasePlan {
  releaseId: string;
  steps: PlanStep[];
}

function targetOf(ref: SourceRef): PlanTarget {
  return { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name };
}

function findObject(objects: readonly KubeObject[], ref: SourceRef): KubeObject {
  const o = objects.find(
    (x) =>
      x.kind === ref.kind &&
      x.metadata.name === ref.name &&
      (x.metadata.namespace || 'default') === ref.namespace,
  );
  if (!o)
    throw new ReleaseEditError(`${ref.kind} ${ref.namespace}/${ref.name} is not among the objects`, ref);
  return o;
}

function guard(o: KubeObject): JsonPatchOp[] {
  const rv = o.metadata.resourceVersion;
  return rv === undefined ? [] : [{ op: 'test', path: '/metadata/resourceVersion', value: rv }];
}

/** Collects preconditions and changes separately: every `test` runs before the first change. */
class PatchBuilder {
  readonly tests: JsonPatchOp[] = [];
  readonly changes: JsonPatchOp[] = [];
  constructor(
    readonly object: KubeObject,
    /** Everything the plan was made from (a new backendRef's port is its Service's). */
    readonly objects: readonly KubeObject[] = [],
  ) {}
  at(pointer: string): unknown {
    return getAtPointer(this.object, pointer);
  }
  replace(path: string, value: unknown): void {
    this.tests.push({ op: 'test', path, value: this.at(path) });
    this.changes.push({ op: 'replace', path, value });
  }
  remove(path: string): void {
    this.tests.push({ op: 'test', path, value: this.at(path) });
    this.changes.push({ op: 'remove', path });
  }
  add(path: string, value: unknown): void {
    this.changes.push({ op: 'add', path, value });
  }
  /** A precondition only: the value at `path` is still what the plan was made from. */
  expect(path: string): void {
    this.tests.push({ op: 'test', path, value: this.at(path) });
  }
  ops(): JsonPatchOp[] {
    return this.changes.length === 0 ? [] : [...guard(this.object), ...this.tests, ...this.changes];
  }
}

export function planRelease(
  current: ServiceRelease,
  asked: DesiredRelease,
  objects: readonly KubeObject[],
): ReleasePlan {
  // Sticky rules follow the split: a version without catch-all traffic keeps no sticky rule.
  const desired = withStickyRules(asked);
  if (!current.editable) {
    throw new ReleaseEditError(
      `${current.route.kind} ${current.route.name} is read-only: ${current.readOnlyReasons.join('; ')}`,
      current.route,
    );
  }
  const routeObject = findObject(objects, current.route);
  const steps: PlanStep[] = [];
  const addStep = subsetAdditions(current, desired, objects);
  if (addStep) steps.push(addStep);

  const b = new PatchBuilder(routeObject, objects);
  // Mirror and cookie headers first: they write at the pointers the route has before any move.
  mirrorOps(current, desired, b, (v) => targetFor(current, desired, v, b));
  stickyOps(current, desired, b);
  splitOps(current, desired, b);
  ruleOps(current, desired, b);
  const routeOps = b.ops();
  if (routeOps.length > 0) {
    steps.push({
      id: 'update-route',
      description: describeRouteChange(current, desired),
      target: targetOf(current.route),
      patch: routeOps,
      ...(addStep ? { dependsOn: [addStep.id] } : {}),
    });
  }
  const removal = subsetRemovals(current, desired, objects);
  if (removal) {
    refuseRemovalStillReferenced(current, desired, objects, applyJsonPatch(routeObject, routeOps));
    if (routeOps.length > 0) removal.dependsOn = ['update-route'];
    steps.push(removal);
  }
  return { releaseId: current.id, steps };
}

/**
 * A subset is removed only when nothing routes to it once the route step has run: not the route
 * itself as planned (a mirror, a tcp or tls route, a rule the edit left), nor any other
 * VirtualService among `objects` (an ingress route to the same host). Else the removal would make
 * those requests fail, so the plan is refused, naming each reference.
 */
function refuseRemovalStillReferenced(
  current: ServiceRelease,
  desired: DesiredRelease,
  objects: readonly KubeObject[],
  plannedRoute: KubeObject,
): void {
  const targets = desired.removedVersions.flatMap((name) => {
    const v = current.versions.find((x) => x.name === name);
    return v?.subset !== undefined ? [{ fqdn: v.fqdn, subset: v.subset }] : [];
  });
  const routeObject = findObject(objects, current.route);
  const others = objects.filter((o) => o !== routeObject);
  const refs = subsetReferences([plannedRoute, ...others], targets);
  if (refs.length === 0) return;
  const where = refs.map((r) => `VirtualService ${r.namespace}/${r.name} ${r.field} (subset ${r.subset})`);
  throw new ReleaseEditError(
    `cannot remove subset(s) ${[...new Set(refs.map((r) => r.subset))].join(', ')}: still routed to by ${where.join('; ')}; ` +
      'requests sent there would fail (503). Move that traffic first',
    current.route,
  );
}

function describeRouteChange(current: ServiceRelease, desired: DesiredRelease): string {
  const split = desired.split.map((s) => `${s.version} ${s.weight}%`).join(', ');
  const extra = mirrorStickyPlanWords(current, desired);
  return `update ${current.route.kind} ${current.route.namespace}/${current.route.name}: split ${split || '(none)'}; ${desired.rules.filter((r) => r.enabled).length} content rule(s)${extra ? `; ${extra}` : ''}`;
}

/** The DestinationRule declaring the release's own host, where new subsets go. */
function primaryDestinationRule(
  current: ServiceRelease,
  objects: readonly KubeObject[],
): KubeObject | undefined {
  const fqdn = current.versions[0]?.fqdn ?? current.host;
  for (const s of current.sources) {
    if (s.kind !== 'DestinationRule') continue;
    const o = findObject(objects, s);
    const host = (o.spec as { host?: unknown } | undefined)?.host;
    if (typeof host === 'string' && resolveHost(host, s.namespace) === fqdn) return o;
  }
  return undefined;
}

function subsetAdditions(
  current: ServiceRelease,
  desired: DesiredRelease,
  objects: readonly KubeObject[],
): PlanStep | null {
  if (desired.addedVersions.length === 0) return null;
  const dr = primaryDestinationRule(current, objects);
  if (!dr) {
    throw new ReleaseEditError(
      `no DestinationRule for host ${current.versions[0]?.fqdn ?? current.host}: create one before adding versions`,
      current.route,
    );
  }
  const b = new PatchBuilder(dr);
  const subsets = b.at('/spec/subsets');
  const values = desired.addedVersions.map((v) => ({ name: v.name, labels: v.labels }));
  if (Array.isArray(subsets)) for (const v of values) b.add('/spec/subsets/-', v);
  else b.add('/spec/subsets', values);
  return {
    id: 'add-subsets',
    description: `add subset(s) ${values.map((v) => v.name).join(', ')} to DestinationRule ${dr.metadata.name}`,
    target: {
      apiVersion: dr.apiVersion,
      kind: dr.kind,
      namespace: dr.metadata.namespace || 'default',
      name: dr.metadata.name,
    },
    patch: b.ops(),
  };
}

function subsetRemovals(
  current: ServiceRelease,
  desired: DesiredRelease,
  objects: readonly KubeObject[],
): PlanStep | null {
  const byDr = new Map<string, { ref: SourceRef; subsets: string[] }>();
  for (const name of desired.removedVersions) {
    const v = current.versions.find((x) => x.name === name);
    if (!v?.source || v.subset === undefined) continue;
    const key = `${v.source.namespace}/${v.source.name}`;
    const entry = byDr.get(key) ?? { ref: v.source, subsets: [] };
    entry.subsets.push(v.subset);
    byDr.set(key, entry);
  }
  const [first, ...more] = [...byDr.values()];
  if (!first) return null;
  if (more.length > 0)
    throw new ReleaseEditError(
      'removing subsets from several DestinationRules at once is not supported',
      current.route,
    );
  const dr = findObject(objects, first.ref);
  const b = new PatchBuilder(dr);
  const subsets = b.at('/spec/subsets');
  const idx = (Array.isArray(subsets) ? subsets : [])
    .map((s, i) => (isPlainObject(s) && first.subsets.includes(s.name as string) ? i : -1))
    .filter((i) => i >= 0)
    .sort((x, y) => y - x);
  for (const i of idx) b.remove(`/spec/subsets/${i}`);
  return {
    id: 'remove-subsets',
    description: `remove subset(s) ${first.subsets.join(', ')} from DestinationRule ${dr.metadata.name}`,
    target: targetOf(first.ref),
    patch: b.ops(),
  };
}

function splitOps(current: ServiceRelease, desired: DesiredRelease, b: PatchBuilder): void {
  const dr = current.defaultRoute;
  if (!dr) return;
  const cur = dr.destinations;
  const unchanged =
    cur.length === desired.split.length &&
    cur.every((d, j) => desired.split[j]?.version === d.version && desired.split[j]?.weight === d.weight);
  if (unchanged) return;
  const want = new Map(desired.split.map((s) => [s.version, s.weight]));
  const listKey = current.flavor === 'istio' ? 'route' : 'backendRefs';
  if (current.flavor === 'gateway-api') {
    // Relative weights mean something only together: a weight someone else changed meanwhile (one
    // this plan leaves, or one omitted that it adds) changes what every written weight means. So the
    // plan holds only while the whole list is as it was read; a rebase after any change conflicts.
    b.expect(`${dr.pointer}/${listKey}`);
    // Relative weights: written in the operator's scale (THE SCALE RULE, relative-weights.ts).
    const rawNow = new Map(cur.map((d) => [d.version, d.rawWeight]));
    const raw = relativeWeightsFor(
      desired.split.map((s) => (rawNow.has(s.version) ? rawNow.get(s.version) : null)),
      desired.split.map((s) => s.weight),
    );
    desired.split.forEach((s, i) => {
      want.set(s.version, raw[i] ?? 0);
    });
  }
  for (const d of cur) {
    const w = want.get(d.version);
    if (w === undefined || w === d.rawWeight) continue;
    if (d.rawWeight === undefined && current.flavor === 'gateway-api' && w === 1) continue;
    if (d.rawWeight === undefined) b.add(`${d.pointer}/weight`, w);
    else b.replace(`${d.pointer}/weight`, w);
  }
  for (let j = cur.length - 1; j >= 0; j--) {
    const d = cur[j]!;
    if (!want.has(d.version)) b.remove(d.pointer);
  }
  for (const s of desired.split) {
    if (cur.some((d) => d.version === s.version)) continue;
    b.add(`${dr.pointer}/${listKey}/-`, {
      ...targetFor(current, desired, s.version, b),
      weight: want.get(s.version) ?? s.weight,
      ...(current.flavor === 'istio' ? stickyDestinationFields(desired, s.version) : {}),
    });
  }
}

/** The destination (Istio) or backendRef (Gateway API) for a version, in the style of the existing ones. */
function targetFor(
  current: ServiceRelease,
  desired: DesiredRelease,
  version: string,
  b: PatchBuilder,
): Record<string, unknown> {
  const v = current.versions.find((x) => x.name === version);
  const existing = (current.defaultRoute?.destinations ?? [])
    .map((d) => b.at(d.pointer))
    .filter(isPlainObject);
  if (current.flavor === 'gateway-api') {
    const [ns, name = version] = version.includes('/') ? version.split('/', 2) : [undefined, version];
    const ports = new Set(existing.map((e) => e.port));
    const shared = ports.size === 1 ? [...ports][0] : undefined;
    const first = existing[0];
    const port =
      typeof shared === 'number' && first
        ? backendPortFor({
            objects: b.objects,
            route: current.route,
            target: { namespace: ns ?? current.namespace, name },
            existing: {
              port: shared,
              namespace: typeof first.namespace === 'string' ? first.namespace : current.namespace,
              name: String(first.name),
            },
          })
        : shared;
    return { name, ...(ns ? { namespace: ns } : {}), ...(port !== undefined ? { port } : {}) };
  }
  const host = v?.host ?? current.versions[0]?.host ?? current.hosts[0] ?? current.host;
  const subset = v ? v.subset : desired.addedVersions.some((a) => a.name === version) ? version : undefined;
  const ports = new Set(
    existing.map((e) => JSON.stringify((e.destination as Record<string, unknown> | undefined)?.port)),
  );
  const port = ports.size === 1 ? (JSON.parse([...ports][0] ?? 'null') as unknown) : undefined;
  return {
    destination: { host, ...(subset !== undefined ? { subset } : {}), ...(port ? { port } : {}) },
  };
}

/**
 * A new rule's route: its name (given, or made from its version and conditions on Istio; Gateway
 * API rules keep a name only when given, as older CRDs have no `name`), its match and target, and
 * the catch-all's per-route settings (new-rule-defaults.ts).
 */
function newRoute(
  current: ServiceRelease,
  desired: DesiredRelease,
  rule: DesiredRule,
  b: PatchBuilder,
  taken: Set<string>,
): unknown {
  const target = targetFor(current, desired, rule.version, b);
  const named =
    rule.name ??
    (current.flavor === 'istio' ? defaultRuleName(rule.version, rule.matches, taken) : undefined);
  if (named !== undefined) taken.add(named);
  const name = named !== undefined ? { name: named } : {};
  const catchAll = current.defaultRoute ? b.at(current.defaultRoute.pointer) : undefined;
  const inherited = inheritedRouteFields(current.flavor, catchAll, rule.settings);
  if (current.flavor === 'istio') return { ...name, match: rule.matches, route: [target], ...inherited };
  try {
    return { ...name, matches: toGatewayMatches(rule.matches), backendRefs: [target], ...inherited };
  } catch (err) {
    throw new ReleaseEditError((err as Error).message, current.route, 'spec.rules');
  }
}

/** Route names in use: in the route list as it is, among the desired rules and the disabled ones. */
function takenNames(list: unknown, desired: DesiredRelease, current: ServiceRelease): Set<string> {
  const names = new Set<string>();
  for (const entry of Array.isArray(list) ? list : [])
    if (isPlainObject(entry) && typeof entry.name === 'string') names.add(entry.name);
  for (const r of desired.rules) if (r.name !== undefined) names.add(r.name);
  for (const r of current.disabledRules) if (r.name !== undefined) names.add(r.name);
  return names;
}

function ruleOps(current: ServiceRelease, desired: DesiredRelease, b: PatchBuilder): void {
  const listKey = current.flavor === 'istio' ? 'http' : 'rules';
  const byId = new Map(current.rules.map((r) => [r.id, r]));
  const enabled = desired.rules.filter((r) => r.enabled);
  const kept = enabled.filter((r) => r.id !== undefined && byId.has(r.id));
  for (let i = 1; i < kept.length; i++) {
    if (byId.get(kept[i]!.id!)!.index < byId.get(kept[i - 1]!.id!)!.index) {
      throw new ReleaseEditError(
        'reordering existing rules is not supported; remove and add the rule instead',
        current.route,
        `spec.${listKey}`,
      );
    }
  }
  // Retargets first: they write at the rules' original indexes, before removals shift them.
  for (const r of kept) {
    const cur = byId.get(r.id!)!;
    if (r.version !== cur.version) retargetOps(current, desired, cur.pointer, r.version, b);
  }
  const keptIds = new Set(kept.map((r) => r.id));
  const removed = current.rules.filter((r) => !keptIds.has(r.id));
  const disabledNow = desired.rules.filter((r) => !r.enabled);
  const newlyDisabled = removed.filter((r) => disabledNow.some((d) => d.id === r.id));
  const reEnabled = new Set(enabled.filter((r) => r.id?.startsWith('disabled:')).map((r) => r.id));
  const stillDisabled = current.disabledRules.filter(
    (r) => !reEnabled.has(r.id) && disabledNow.some((d) => d.id === r.id),
  );

  // Final layout of the list: originals minus removed, new rules before their anchor.
  const total = (b.at(`/spec/${listKey}`) as unknown[] | undefined)?.length ?? 0;
  const removedIdx = new Set(removed.map((r) => r.index));
  const inserts = new Map<number, unknown[]>();
  const taken = takenNames(b.at(`/spec/${listKey}`), desired, current);
  enabled.forEach((r, k) => {
    if (r.id !== undefined && byId.has(r.id)) return;
    const next = enabled.slice(k + 1).find((x) => x.id !== undefined && byId.has(x.id));
    const anchor = next ? byId.get(next.id!)!.index : (current.defaultRoute?.index ?? total);
    const stored = current.disabledRules.find((d) => d.id === r.id);
    const value = stored ? stored.route : newRoute(current, desired, r, b, taken);
    inserts.set(anchor, [...(inserts.get(anchor) ?? []), value]);
  });
  for (const r of [...removed].sort((x, y) => y.index - x.index)) b.remove(r.pointer);
  const listPath = `/spec/${listKey}`;
  const existing = b.at(listPath);
  if (!Array.isArray(existing)) {
    // No list yet (`http:` left empty, or no key): the new rules are the list. The reader has made
    // a release with any other value there read-only.
    const values = inserts.get(0) ?? [];
    if (values.length > 0) existing === undefined ? b.add(listPath, values) : b.replace(listPath, values);
  }
  let finalIndex = 0;
  for (let i = 0; i <= total && Array.isArray(existing); i++) {
    for (const value of inserts.get(i) ?? []) b.add(`${listPath}/${finalIndex++}`, value);
    if (i < total && !removedIdx.has(i)) finalIndex++;
  }

  const list = [
    ...stillDisabled.map(({ id: _id, ...rest }) => rest),
    ...newlyDisabled.map((r) => ({
      ...(r.name !== undefined ? { name: r.name } : {}),
      position: r.index,
      version: r.version,
      route: b.at(r.pointer),
    })),
  ];
  const before = current.disabledRules.map(({ id: _id, ...rest }) => rest);
  if (JSON.stringify(list) === JSON.stringify(before)) return;
  const path = `/metadata/annotations/${escapePointerToken(DISABLED_RULES_ANNOTATION)}`;
  const had = b.at(path) !== undefined;
  if (list.length === 0) {
    const annotations = b.at('/metadata/annotations');
    if (had && isPlainObject(annotations) && Object.keys(annotations).length === 1)
      b.remove('/metadata/annotations');
    else if (had) b.remove(path);
  } else if (had) b.replace(path, JSON.stringify(list));
  else if (isPlainObject(b.at('/metadata/annotations'))) b.add(path, JSON.stringify(list));
  else b.add('/metadata/annotations', { [DISABLED_RULES_ANNOTATION]: JSON.stringify(list) });
}

/**
 * Points a rule's single destination at another version and changes nothing else: the subset alone
 * when the host stays, else the destination (Istio) or backendRef (Gateway API) with its port kept.
 */
function retargetOps(
  current: ServiceRelease,
  desired: DesiredRelease,
  pointer: string,
  version: string,
  b: PatchBuilder,
): void {
  const v = current.versions.find((x) => x.name === version);
  const target = targetFor(current, desired, version, b);
  if (current.flavor === 'istio') {
    const at = `${pointer}/route/0/destination`;
    const dst = b.at(at);
    const want = target.destination as { host: string; subset?: string };
    if (!isPlainObject(dst)) throw new ReleaseEditError(`no destination at ${at}`, current.route);
    const sameHost =
      typeof dst.host === 'string' && v !== undefined && resolveHost(dst.host, current.namespace) === v.fqdn;
    if (sameHost && want.subset !== undefined && dst.subset !== undefined)
      b.replace(`${at}/subset`, want.subset);
    else if (sameHost && want.subset !== undefined) b.add(`${at}/subset`, want.subset);
    else
      b.replace(at, {
        host: want.host,
        ...(want.subset !== undefined ? { subset: want.subset } : {}),
        ...(dst.port !== undefined ? { port: dst.port } : {}),
      });
    return;
  }
  const at = `${pointer}/backendRefs/0`;
  const ref = b.at(at);
  if (!isPlainObject(ref)) throw new ReleaseEditError(`no backendRef at ${at}`, current.route);
  const { namespace: _ns, name: _n, port: oldPort, ...rest } = ref;
  // The port the new Service has (as for a backendRef added to the split), else the ref's own.
  const port =
    typeof oldPort === 'number'
      ? (backendPortFor({
          objects: b.objects,
          route: current.route,
          target: {
            namespace: typeof target.namespace === 'string' ? target.namespace : current.namespace,
            name: String(target.name),
          },
          existing: {
            port: oldPort,
            namespace: typeof ref.namespace === 'string' ? ref.namespace : current.namespace,
            name: String(ref.name),
          },
        }) ?? oldPort)
      : oldPort;
  b.replace(at, { ...rest, ...target, ...(port !== undefined ? { port } : {}) });
}
