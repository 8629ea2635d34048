// Reads VirtualServices + DestinationRules (networking.istio.io v1, v1beta1, v1alpha3) into
// ServiceReleases. Anything the model cannot express is either kept as an opaque "other route"
// (never edited) or makes the whole release read-only with a reason; nothing is half-understood.

import type {
  ContentRule,
  DefaultRoute,
  DestinationRule,
  HTTPRouteDestination,
  IstioHTTPRoute,
  KubeObject,
  MirrorTarget,
  OtherRoute,
  ReleaseVersion,
  ServiceRelease,
  SourceRef,
  VirtualService,
} from '../model/index.ts';
import {
  groupOf,
  ISTIO_GROUP,
  isDestinationRule,
  isPlainObject,
  istioDestinationWeights,
  isVirtualService,
  sourceRefOf,
} from '../model/index.ts';
import { type ReadOptions, readGatewayApiReleases } from './read-gateway-api.ts';
import { readDisabledRules, readSharedHosts, ruleProblem, unroutable } from './read-istio-checks.ts';
import {
  addMirror,
  chooseDestinationRule,
  hostWritten,
  nsOf,
  readDefaultSplit,
} from './read-istio-destinations.ts';
import { httpPointer, otherRoute, routeName, ruleId } from './read-istio-pointers.ts';
import { readSticky } from './read-sticky.ts';
import type { RoutedDestination, WorkloadIndex } from './versions.ts';
import {
  attachDeployments,
  collectDestinations,
  HostResolver,
  indexWorkloads,
  VersionNaming,
} from './versions.ts';

export const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

/** Every release in the objects: Istio VirtualServices and Gateway API HTTPRoutes. */
export function readReleases(objects: readonly KubeObject[], opts: ReadOptions = {}): ServiceRelease[] {
  const istio = readIstioReleases(objects);
  const gatewayApi = readGatewayApiReleases(objects, opts);
  return gatewayApi.length === 0 ? istio : istio.concat(gatewayApi);
}

/**
 * A match list that selects every request: absent, empty, or with an entry that has no condition
 * or only `uri: {prefix: /}` (with or without ignoreUriCase). Istio ORs the entries, so one such entry makes the whole route match
 * every request (and the routes after it unreachable), whatever the other entries say.
 */
export function isCatchAllMatch(match: unknown): boolean {
  if (match === undefined || match === null) return true;
  if (!Array.isArray(match)) return false;
  if (match.length === 0) return true;
  return match.some((m) => {
    if (!isPlainObject(m)) return false;
    // `name` and `ignoreUriCase` select nothing by themselves.
    const keys = ownKeyCount(m, 'name') - (Object.hasOwn(m, 'ignoreUriCase') ? 1 : 0);
    if (keys === 0) return true;
    return keys === 1 && isPlainObject(m.uri) && ownKeyCount(m.uri) === 1 && m.uri.prefix === '/';
  });
}

/** The versions a route's destinations send requests to: those with a share above 0, in order. */
function routedVersions(route: readonly HTTPRouteDestination[], naming: VersionNaming): string[] {
  const shares = istioDestinationWeights(route.map((rd) => (isPlainObject(rd) ? rd : {})));
  const out: string[] = [];
  route.forEach((rd, j) => {
    const v = (shares[j] ?? 0) > 0 ? naming.versionOf(rd) : null;
    if (v !== null && !out.includes(v)) out.push(v);
  });
  return out;
}

/** Object.keys(o).length (not counting `except`) without building the array: this runs per route. */
function ownKeyCount(o: object, except?: string): number {
  let count = 0;
  for (const k in o) if (Object.hasOwn(o, k) && k !== except) count++;
  return count;
}

export function readIstioReleases(objects: readonly KubeObject[]): ServiceRelease[] {
  const resolver = new HostResolver();
  const drsByHost = new Map<string, DestinationRule[]>();
  const services: VirtualService[] = [];
  // Index loops over the whole input: this runs once per call, often before the JIT optimizes it.
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (isDestinationRule(o) && typeof o.spec?.host === 'string') {
      const fqdn = resolver.resolve(o.spec.host, nsOf(o));
      const list = drsByHost.get(fqdn);
      if (list) list.push(o);
      else drsByHost.set(fqdn, [o]);
    } else if (isVirtualService(o)) services.push(o);
  }
  const claims = new Map<string, VirtualService[]>();
  for (const vs of services) {
    for (const h of hostsOf(vs)) {
      const key = `${nsOf(vs)}/${resolver.resolve(h, nsOf(vs))}`;
      const list = claims.get(key);
      if (list) list.push(vs);
      else claims.set(key, [vs]);
    }
  }
  // Most hosts are claimed once: only VirtualServices sharing a claim need their hosts looked up again.
  const crowded = new Set<VirtualService>();
  for (const list of claims.values()) if (list.length > 1) for (const vs of list) crowded.add(vs);
  const workloads = indexWorkloads(objects);
  return services.map((vs) =>
    readVirtualService(vs, { drsByHost, claims: crowded.has(vs) ? claims : null, workloads, resolver }),
  );
}

interface Reading {
  reasons: string[];
  others: OtherRoute[];
}
/** What reading one VirtualService needs from the whole set of objects. */
interface ReadScope {
  drsByHost: Map<string, DestinationRule[]>;
  /** Host claims by `namespace/fqdn`; null when no other VirtualService shares this one's hosts. */
  claims: Map<string, VirtualService[]> | null;
  workloads: WorkloadIndex;
  resolver: HostResolver;
}

/** The host names of a VirtualService's spec.hosts; anything else there (a number, a map) is not one. */
function hostsOf(vs: VirtualService): string[] {
  const hosts: unknown = isPlainObject(vs.spec) ? vs.spec.hosts : undefined;
  return Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [];
}

function readVirtualService(vs: VirtualService, scope: ReadScope): ServiceRelease {
  const { drsByHost, claims, workloads, resolver } = scope;
  const ns = nsOf(vs);
  const name = vs.metadata.name;
  const spec = isPlainObject(vs.spec) ? vs.spec : {};
  const hosts = hostsOf(vs);
  const route = sourceRefOf(vs);
  const r: Reading = { reasons: [], others: [] };
  // Absent hosts are a delegate's (said below); present ones must be a list of names.
  if (spec.hosts !== undefined && (!Array.isArray(spec.hosts) || hosts.length !== spec.hosts.length)) {
    r.reasons.push(`VirtualService ${ns}/${name}: spec.hosts must be a list of host names`);
  }
  const version = vs.apiVersion.slice(ISTIO_GROUP.length + 1);
  if (groupOf(vs.apiVersion) !== ISTIO_GROUP || !ISTIO_VERSIONS.includes(version)) {
    r.reasons.push(`VirtualService ${ns}/${name}: apiVersion ${vs.apiVersion} is not one Switchyard reads`);
  }
  if (hosts.length === 0) {
    r.reasons.push(
      `VirtualService ${ns}/${name} has no hosts: it is a delegate, reachable only through the VirtualService that delegates to it`,
    );
  }
  if (claims) readSharedHosts(vs, hosts, ns, claims, resolver, r.reasons);
  const http: unknown[] = Array.isArray(spec.http) ? spec.http : [];
  if (spec.http !== undefined && spec.http !== null && !Array.isArray(spec.http))
    r.reasons.push(`VirtualService ${ns}/${name}: spec.http must be a list of routes`);
  const hasTcpTls =
    (Array.isArray(spec.tcp) && spec.tcp.length > 0) || (Array.isArray(spec.tls) && spec.tls.length > 0);
  if (http.length === 0 && hasTcpTls) {
    r.reasons.push(`VirtualService ${ns}/${name} has only tcp/tls routes; Switchyard edits http routes`);
  }

  let defaultRoute: DefaultRoute | null = null;
  let defaultIndex = -1;
  const ruleCandidates: Array<{ index: number; route: IstioHTTPRoute }> = [];
  http.forEach((raw, index) => {
    const pointer = httpPointer(index);
    if (!isPlainObject(raw)) {
      r.reasons.push(`spec.http[${index}] is not a mapping`);
      return;
    }
    const rt = raw as IstioHTTPRoute;
    const nm = routeName(rt);
    if (rt.delegate !== undefined) {
      // A delegate that is no mapping (`delegate:` left empty in a file) names no VirtualService.
      const target: unknown = isPlainObject(rt.delegate) ? rt.delegate.name : undefined;
      const to = typeof target === 'string' ? `VirtualService ${target}` : 'another VirtualService';
      r.reasons.push(`spec.http[${index}] delegates to ${to}; the model cannot see the delegate's routes`);
      r.others.push(otherRoute(index, pointer, nm, 'delegates to another VirtualService'));
      return;
    }
    if (defaultIndex !== -1) {
      r.others.push(otherRoute(index, pointer, nm, 'unreachable: it comes after the catch-all route'));
      return;
    }
    if (isCatchAllMatch(rt.match)) {
      defaultIndex = index;
      const why = unroutable(rt);
      if (why) {
        r.others.push(otherRoute(index, pointer, nm, `catch-all route ${why}`));
        return;
      }
      defaultRoute =
        nm === undefined
          ? { index, pointer, destinations: [] }
          : { index, pointer, name: nm, destinations: [] };
      return;
    }
    ruleCandidates.push({ index, route: rt });
  });

  // Pair every routed destination with a version; all of this VirtualService's destinations name hosts.
  const dests: RoutedDestination[] = [];
  const dr0 = defaultRoute as DefaultRoute | null;
  if (dr0) collectDestinations((http[dr0.index] as IstioHTTPRoute).route, ns, resolver, dests);
  for (const c of ruleCandidates) collectDestinations(c.route.route, ns, resolver, dests);
  const fqdns: string[] = [];
  for (const d of dests) if (!fqdns.includes(d.fqdn)) fqdns.push(d.fqdn);
  if (fqdns.length === 0 && hosts[0] !== undefined && !hosts[0].includes('*'))
    fqdns.push(resolver.resolve(hosts[0], ns));
  const naming = new VersionNaming(fqdns, ns, resolver);

  const sources: SourceRef[] = [route];
  const versions: ReleaseVersion[] = [];
  for (const fqdn of fqdns) {
    const dr = chooseDestinationRule(drsByHost.get(fqdn), ns, fqdn, r.reasons);
    if (!dr) continue;
    sources.push(sourceRefOf(dr));
    (Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : []).forEach((s) => {
      if (!isPlainObject(s) || typeof s.name !== 'string') return;
      const labels = isPlainObject(s.labels) ? (s.labels as Record<string, string>) : {};
      versions.push({
        name: naming.nameFor(fqdn, s.name),
        host: hostWritten(fqdn, dests, hosts),
        fqdn,
        subset: s.name,
        labels: { ...labels },
        origin: 'subset',
        declared: true,
        source: sourceRefOf(dr),
        deployments: [],
      });
    });
  }
  for (const d of dests) {
    const vname = naming.nameFor(d.fqdn, d.subset);
    const existing = versions.find((v) => v.name === vname);
    if (existing) {
      if (existing.fqdn !== d.fqdn || existing.subset !== d.subset) {
        r.reasons.push(`two destinations are both named version '${vname}'; cannot tell them apart`);
      }
      continue;
    }
    versions.push({
      name: vname,
      host: d.host,
      fqdn: d.fqdn,
      ...(d.subset !== undefined ? { subset: d.subset } : {}),
      labels: {},
      origin: d.subset !== undefined ? 'subset' : 'service',
      // A destination without subset targets the whole Service; a subset needs a DestinationRule.
      declared: d.subset === undefined,
      deployments: [],
    });
  }
  for (const fqdn of fqdns) {
    for (const s of attachDeployments(versions, workloads, fqdn, hostWritten(fqdn, dests, hosts))) {
      if (!sources.some((x) => x.kind === s.kind && x.namespace === s.namespace && x.name === s.name))
        sources.push(s);
    }
  }

  const dr = defaultRoute as DefaultRoute | null;
  if (dr) readDefaultSplit(dr, (http[dr.index] as IstioHTTPRoute).route ?? [], naming, r.reasons);

  const rules: ContentRule[] = [];
  for (const { index, route: rt } of ruleCandidates) {
    const pointer = httpPointer(index);
    const nm = routeName(rt);
    const why = unroutable(rt) ?? ruleProblem(rt);
    const version = why ? null : naming.versionOf(rt.route?.[0]);
    if (why || !version) {
      const other = otherRoute(index, pointer, nm, why ?? 'its destination has no host');
      const targets = unroutable(rt) ? [] : routedVersions(rt.route ?? [], naming);
      r.others.push(targets.length > 0 ? { ...other, versions: targets } : other);
      continue;
    }
    const matches = (rt.match ?? []) as ContentRule['matches'];
    rules.push(
      nm === undefined
        ? { id: ruleId(index), index, pointer, matches, version }
        : { id: ruleId(index), index, pointer, name: nm, matches, version },
    );
  }

  const mirrors: MirrorTarget[] = [];
  http.forEach((raw, index) => {
    // A route after the catch-all takes no request (first match wins), so it mirrors none.
    if (!isPlainObject(raw) || (defaultIndex !== -1 && index > defaultIndex)) return;
    const rt = raw as IstioHTTPRoute;
    if (rt.mirror !== undefined)
      addMirror(mirrors, versions, ns, resolver, index, rt.mirror, rt.mirrorPercentage);
    for (const m of Array.isArray(rt.mirrors) ? rt.mirrors : [])
      if (isPlainObject(m)) addMirror(mirrors, versions, ns, resolver, index, m.destination, m.percentage);
  });

  const disabledRules = readDisabledRules(vs, r.reasons);
  const sticky = readSticky(dr, dr ? ((http[dr.index] as IstioHTTPRoute).route ?? []) : []);
  r.others.sort((a, b) => a.index - b.index);
  const host = hosts[0] !== undefined ? resolver.resolve(hosts[0], ns) : name;
  return {
    id: `istio:${ns}/${hosts.length > 0 ? host : `virtualservice:${name}`}`,
    flavor: 'istio',
    namespace: ns,
    host,
    hosts,
    versions,
    defaultRoute: dr,
    rules,
    disabledRules,
    otherRoutes: r.others,
    mirrors,
    ...(sticky ? { sticky } : {}),
    route,
    sources,
    editable: r.reasons.length === 0,
    readOnlyReasons: r.reasons.length === 0 ? [] : [...new Set(r.reasons)],
  };
}
