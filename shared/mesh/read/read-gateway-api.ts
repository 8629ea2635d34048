// Reads Gateway API HTTPRoutes (gateway.networking.k8s.io v1, v1beta1) into ServiceReleases: one
// Service per version, backendRef weights (proportional, default 1) shown as percentages.

import type {
  ContentRule,
  DefaultRoute,
  GatewayBackendRef,
  GatewayHTTPRoute,
  HTTPMatchRequest,
  KubeObject,
  OtherRoute,
  ReleaseVersion,
  ServiceRelease,
  StringMatch,
} from '../model/index.ts';
import {
  GATEWAY_GROUP,
  gatewayBackendWeights,
  groupOf,
  isGatewayHTTPRoute,
  isPlainObject,
  sourceRefOf,
} from '../model/index.ts';
import { grantFor, type ReferenceGrants, referenceGrantsOf, refNotPermitted } from './reference-grants.ts';
import { indexWorkloads, resolveHost, versionLabelOf, type WorkloadIndex } from './versions.ts';

export const GATEWAY_API_VERSIONS = ['v1', 'v1beta1'];

const LEGACY_GROUPS = new Set(['networking.x-k8s.io']);

function nsOf(o: KubeObject): string {
  return o.metadata.namespace || 'default';
}

/**
 * A rule's matches select every request: absent or empty, or any one of them (matches are ORed) is
 * empty or only `path: PathPrefix /`.
 */
export function isCatchAllGatewayMatch(matches: unknown): boolean {
  if (matches === undefined || matches === null) return true;
  if (!Array.isArray(matches)) return false;
  if (matches.length === 0) return true;
  return matches.some((m) => {
    if (!isPlainObject(m)) return false;
    const keys = Object.keys(m);
    if (keys.length === 0) return true;
    if (keys.length !== 1 || !isPlainObject(m.path)) return false;
    const type = m.path.type ?? 'PathPrefix';
    return type === 'PathPrefix' && (m.path.value ?? '/') === '/';
  });
}

/** The backend a version stands for: a core Service, named `name` or `namespace/name` across namespaces. */
export function backendVersionName(ref: GatewayBackendRef, routeNamespace: string): string | null {
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service' || typeof ref.name !== 'string')
    return null;
  return ref.namespace && ref.namespace !== routeNamespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** How the ReferenceGrants among the objects are to be taken. */
export interface ReadOptions {
  /**
   * The reader was not given the cluster's ReferenceGrants (its user may not list them): a
   * backendRef into another namespace is then not judged, rather than judged not permitted.
   */
  referenceGrantsUnknown?: boolean;
}

export function readGatewayApiReleases(
  objects: readonly KubeObject[],
  opts: ReadOptions = {},
): ServiceRelease[] {
  const workloads = indexWorkloads(objects);
  const grants = opts.referenceGrantsUnknown ? undefined : referenceGrantsOf(objects);
  const out: ServiceRelease[] = [];
  // An index loop: this runs once per call over every object, often before the JIT optimizes it.
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (isGatewayHTTPRoute(o)) out.push(readHTTPRoute(o, workloads, grants));
    else if (o.kind === 'HTTPRoute' && LEGACY_GROUPS.has(groupOf(o.apiVersion))) out.push(legacyRoute(o));
  }
  return out;
}

function legacyRoute(o: KubeObject): ServiceRelease {
  const ns = nsOf(o);
  const route = sourceRefOf(o);
  return {
    id: `gateway-api:${ns}/${o.metadata.name}`,
    flavor: 'gateway-api',
    namespace: ns,
    host: o.metadata.name,
    hosts: [],
    versions: [],
    defaultRoute: null,
    rules: [],
    disabledRules: [],
    otherRoutes: [],
    mirrors: [],
    route,
    sources: [route],
    editable: false,
    readOnlyReasons: [
      `HTTPRoute ${ns}/${o.metadata.name} uses the pre-release API ${o.apiVersion}; Switchyard reads ${GATEWAY_GROUP}/v1`,
    ],
  };
}

function readHTTPRoute(
  hr: GatewayHTTPRoute,
  workloads: WorkloadIndex,
  grants: ReferenceGrants | undefined,
): ServiceRelease {
  const services = workloads.services;
  const ns = nsOf(hr);
  const name = hr.metadata.name;
  const spec = isPlainObject(hr.spec) ? hr.spec : {};
  const reasons: string[] = [];
  const others: OtherRoute[] = [];
  const version = hr.apiVersion.slice(GATEWAY_GROUP.length + 1);
  if (!GATEWAY_API_VERSIONS.includes(version))
    reasons.push(`HTTPRoute ${ns}/${name}: apiVersion ${hr.apiVersion} is not one Switchyard reads`);
  const hostnames = Array.isArray(spec.hostnames)
    ? spec.hostnames.filter((h): h is string => typeof h === 'string')
    : [];
  const parentRefs: unknown = spec.parentRefs;
  if (parentRefs !== undefined && !Array.isArray(parentRefs))
    reasons.push(`HTTPRoute ${ns}/${name}: spec.parentRefs must be a list`);
  const serviceParent = (Array.isArray(parentRefs) ? parentRefs : []).find(
    (p): p is { kind: 'Service'; name: string; namespace?: string } =>
      isPlainObject(p) &&
      p.kind === 'Service' &&
      typeof p.name === 'string' &&
      (p.namespace === undefined || typeof p.namespace === 'string'),
  );
  const host =
    hostnames[0] ?? (serviceParent ? resolveHost(serviceParent.name, serviceParent.namespace ?? ns) : name);
  const route = sourceRefOf(hr);
  const sources = [route];
  const versions: ReleaseVersion[] = [];
  const addVersion = (ref: GatewayBackendRef): string | null => {
    const vname = backendVersionName(ref, ns);
    if (!vname) return null;
    if (!versions.some((v) => v.name === vname)) {
      const svcNs = ref.namespace || ns;
      const svc = services.get(`${svcNs}/${ref.name}`);
      if (svc) sources.push(sourceRefOf(svc));
      // Into another namespace only with a ReferenceGrant there: the route depends on it too.
      const grant = svcNs === ns || !grants ? undefined : grantFor(grants, ns, svcNs, ref.name);
      if (grant) sources.push(sourceRefOf(grant));
      // Judged only where the grants are known and the Service's namespace is in view (its Service
      // among the objects): a namespace not watched has grants nobody read.
      const permitted = svcNs === ns || grant !== undefined || !grants || !svc;
      versions.push({
        name: vname,
        host: ref.name,
        fqdn: resolveHost(ref.name, svcNs),
        labels: { ...((svc?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {}) },
        origin: 'service',
        declared: permitted,
        ...(permitted ? {} : { unroutable: refNotPermitted(ns, svcNs, ref.name) }),
        ...(svc ? { source: sourceRefOf(svc) } : {}),
        deployments: [],
      });
    }
    return vname;
  };

  let defaultRoute: DefaultRoute | null = null;
  let firstCatchAll: number | null = null;
  const rules: ContentRule[] = [];
  const ruleList: unknown[] = Array.isArray(spec.rules) ? spec.rules : [];
  if (spec.rules !== undefined && spec.rules !== null && !Array.isArray(spec.rules))
    reasons.push(`HTTPRoute ${ns}/${name}: spec.rules must be a list of rules`);
  ruleList.forEach((raw, index) => {
    const pointer = `/spec/rules/${index}`;
    if (!isPlainObject(raw)) {
      reasons.push(`spec.rules[${index}] is not a mapping`);
      return;
    }
    const nm = typeof raw.name === 'string' ? { name: raw.name } : {};
    const refs: unknown[] = Array.isArray(raw.backendRefs) ? raw.backendRefs : [];
    const catchAll = isCatchAllGatewayMatch(raw.matches);
    // Ties go to the first rule: a later catch-all gets no request, whatever the first one does.
    if (catchAll && firstCatchAll !== null) {
      others.push({ index, pointer, ...nm, reason: 'a second catch-all rule' });
      return;
    }
    if (catchAll) firstCatchAll = index;
    const badRef = refs.findIndex(
      (r) => !isPlainObject(r) || backendVersionName(r as GatewayBackendRef, ns) === null,
    );
    if (refs.length === 0 || badRef !== -1) {
      const reason =
        refs.length === 0 ? 'has no backendRefs' : `backendRefs[${badRef}] is not a core Service`;
      others.push({ index, pointer, ...nm, reason });
      if (catchAll)
        reasons.push(
          `rule ${index} takes every request and ${refs.length === 0 ? reason : `its ${reason}`}: the split it makes cannot be edited, and a split on a later rule would get no traffic`,
        );
      return;
    }
    if (catchAll) {
      const d: DefaultRoute = { index, pointer, ...nm, destinations: [] };
      const pct = gatewayBackendWeights(refs as GatewayBackendRef[]);
      (refs as GatewayBackendRef[]).forEach((r, j) => {
        d.destinations.push({
          version: addVersion(r) ?? `#${j}`,
          rawWeight: typeof r.weight === 'number' ? r.weight : undefined,
          weight: pct[j] ?? 0,
          pointer: `${pointer}/backendRefs/${j}`,
        });
      });
      const seen = new Set<string>();
      for (const x of d.destinations) {
        if (seen.has(x.version)) reasons.push(`the catch-all rule lists Service '${x.version}' twice`);
        seen.add(x.version);
      }
      defaultRoute = d;
      return;
    }
    const only = refs[0] as GatewayBackendRef;
    const matches = toIstioMatches(raw.matches);
    if (refs.length !== 1 || only.weight === 0 || !matches) {
      const reason = !matches
        ? 'its matches cannot be shown as conditions'
        : refs.length !== 1
          ? 'splits matched requests across several backends'
          : 'its only backend has weight 0';
      others.push({ index, pointer, ...nm, reason });
      return;
    }
    rules.push({
      id: `rule:${index}`,
      index,
      pointer,
      ...nm,
      matches,
      version: addVersion(only) ?? only.name,
    });
  });
  catchAllOrderFirst(versions, defaultRoute as DefaultRoute | null);
  addSiblingServices(versions, services, ns, sources);
  attachBackendDeployments(versions, workloads, sources);
  // Rules are chosen by specificity, not order, in Gateway API: a split is only owned on the catch-all.
  return {
    id: `gateway-api:${ns}/${name}`,
    flavor: 'gateway-api',
    namespace: ns,
    host,
    hosts: hostnames,
    versions,
    defaultRoute,
    rules,
    disabledRules: [],
    otherRoutes: others,
    mirrors: [],
    route,
    sources,
    editable: reasons.length === 0,
    readOnlyReasons: reasons,
    ...(grants ? {} : { referenceGrantsUnknown: true as const }),
  };
}

/**
 * The versions in the catch-all's order, then those only content rules name: a rule written before
 * the catch-all (as the planner writes a new one) does not reorder the versions of the split.
 */
function catchAllOrderFirst(versions: ReleaseVersion[], route: DefaultRoute | null): void {
  if (!route) return;
  const rank = new Map(route.destinations.map((d, i) => [d.version, i]));
  const last = route.destinations.length;
  versions.sort((a, b) => (rank.get(a.name) ?? last) - (rank.get(b.name) ?? last));
}

/**
 * Services in the route's namespace that select the same workload as a backend but another version
 * (same selector except the version label) are versions too: a split may send traffic to them.
 */
function addSiblingServices(
  versions: ReleaseVersion[],
  services: Map<string, KubeObject>,
  ns: string,
  sources: ServiceRelease['sources'],
): void {
  const strip = (sel: Record<string, string>) => {
    const vl = versionLabelOf(sel);
    const rest = { ...sel };
    if (vl) delete rest[vl.key];
    return vl ? JSON.stringify(Object.entries(rest).sort()) : null;
  };
  const families = new Set(versions.map((v) => strip(v.labels)).filter((f): f is string => f !== null));
  if (families.size === 0) return;
  for (const [key, svc] of services) {
    if (!key.startsWith(`${ns}/`) || versions.some((v) => v.name === svc.metadata.name)) continue;
    const sel = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
    const family = strip(sel);
    if (family === null || !families.has(family)) continue;
    versions.push({
      name: svc.metadata.name,
      host: svc.metadata.name,
      fqdn: resolveHost(svc.metadata.name, ns),
      labels: { ...sel },
      origin: 'service',
      declared: true,
      source: sourceRefOf(svc),
      deployments: [],
    });
    sources.push(sourceRefOf(svc));
  }
}

/**
 * The Deployments behind each backend Service: those in the Service's namespace whose pod template
 * the Service's selector selects (a version's labels are that selector). A Service without a
 * selector selects none.
 */
function attachBackendDeployments(
  versions: ReleaseVersion[],
  workloads: WorkloadIndex,
  sources: ServiceRelease['sources'],
): void {
  for (const v of versions) {
    if (Object.keys(v.labels).length === 0) continue;
    const svcNs = /^[^.]+\.([^.]+)\.svc/.exec(v.fqdn)?.[1];
    if (!svcNs) continue;
    for (const d of workloads.deployments.get(svcNs) ?? []) {
      const template = (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } })
        ?.template;
      const labels = template?.metadata?.labels ?? {};
      if (!Object.entries(v.labels).every(([k, val]) => labels[k] === val)) continue;
      v.deployments.push(d.metadata.name);
      sources.push(sourceRefOf(d));
    }
  }
}

function stringMatch(type: unknown, value: unknown): StringMatch | null {
  if (typeof value !== 'string') return null;
  if (type === undefined || type === 'Exact') return { exact: value };
  if (type === 'RegularExpression') return { regex: value };
  if (type === 'PathPrefix') return { prefix: value };
  return null;
}

/** Gateway API matches in the Istio shape the content policy describes; null when one does not fit. */
export function toIstioMatches(matches: unknown): HTTPMatchRequest[] | null {
  if (!Array.isArray(matches)) return null;
  const out: HTTPMatchRequest[] = [];
  for (const m of matches) {
    if (!isPlainObject(m)) return null;
    const im: HTTPMatchRequest = {};
    if (isPlainObject(m.path)) {
      const sm = stringMatch(m.path.type ?? 'PathPrefix', m.path.value ?? '/');
      if (!sm) return null;
      im.uri = sm;
    }
    for (const [field, target] of [
      ['headers', 'headers'],
      ['queryParams', 'queryParams'],
    ] as const) {
      const list = m[field];
      if (list === undefined) continue;
      if (!Array.isArray(list)) return null;
      const map: Record<string, StringMatch> = {};
      for (const h of list) {
        if (!isPlainObject(h) || typeof h.name !== 'string') return null;
        const sm = stringMatch(h.type, h.value);
        if (!sm) return null;
        map[field === 'headers' ? h.name.toLowerCase() : h.name] = sm;
      }
      im[target] = map;
    }
    if (m.method !== undefined) {
      if (typeof m.method !== 'string') return null;
      im.method = { exact: m.method };
    }
    out.push(im);
  }
  return out;
}

/** Istio matches as Gateway API matches, for new rules on an HTTPRoute; throws on what has no equivalent. */
export function toGatewayMatches(matches: readonly HTTPMatchRequest[]): Array<Record<string, unknown>> {
  const conv = (sm: StringMatch, what: string): { type: string; value: string } => {
    if (sm.exact !== undefined) return { type: 'Exact', value: sm.exact };
    if (sm.regex !== undefined) return { type: 'RegularExpression', value: sm.regex };
    if (sm.prefix !== undefined) return { type: 'RegularExpression', value: `^${escapeRegex(sm.prefix)}.*` };
    throw new Error(`${what}: an empty string match has no Gateway API equivalent`);
  };
  return matches.map((m) => {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(m)) {
      if (k === 'withoutHeaders')
        throw new Error(
          'a header that must be absent or not match (withoutHeaders; most OS and browser presets exclude look-alikes this way) has no Gateway API equivalent: an HTTPRoute matches only what is present',
        );
      if (!['headers', 'queryParams', 'uri', 'method', 'name'].includes(k)) {
        throw new Error(`match field '${k}' has no Gateway API equivalent`);
      }
    }
    if (m.uri) {
      const sm = m.uri;
      if (sm.exact !== undefined) out.path = { type: 'Exact', value: sm.exact };
      else if (sm.prefix !== undefined) out.path = { type: 'PathPrefix', value: sm.prefix };
      else if (sm.regex !== undefined) out.path = { type: 'RegularExpression', value: sm.regex };
    }
    if (m.headers)
      out.headers = Object.entries(m.headers).map(([name, sm]) => ({ name, ...conv(sm, `header ${name}`) }));
    if (m.queryParams) {
      out.queryParams = Object.entries(m.queryParams).map(([name, sm]) => ({
        name,
        ...conv(sm, `query ${name}`),
      }));
    }
    if (m.method?.exact !== undefined) out.method = m.method.exact;
    return out;
  });
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
