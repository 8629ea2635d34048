// Reads VirtualServices + DestinationRules (networking.istio.io v1, v1beta1, v1alpha3) into
// ServiceReleases. Anything the model cannot express is either kept as an opaque "other route"
// (never edited) or makes the whole release read-only with a reason; nothing is half-understood.

import type {
  DestinationRule,
  HTTPRouteDestination,
  IstioHTTPRoute,
  KubeObject,
  VirtualService,
} from './istio-types.ts';
import { groupOf, ISTIO_GROUP, isDestinationRule, isVirtualService } from './istio-types.ts';
import { isPlainObject } from './json-patch.ts';
import { readGatewayApiReleases } from './read-gateway-api.ts';
import type {
  ContentRule,
  DefaultRoute,
  DisabledRule,
  MirrorTarget,
  OtherRoute,
  ReleaseVersion,
  ServiceRelease,
  SourceRef,
} from './release-model.ts';
import { DISABLED_RULES_ANNOTATION, sourceRefOf } from './release-model.ts';
import type { WorkloadIndex } from './versions.ts';
import { attachDeployments, firstLabel, indexWorkloads, resolveHost } from './versions.ts';
import { istioDestinationWeights } from './weights.ts';

export const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

const ROUTE_DESTINATION_KEYS = new Set(['destination', 'weight', 'headers']);
const DESTINATION_KEYS = new Set(['host', 'subset', 'port']);

/** Every release in the objects: Istio VirtualServices and Gateway API HTTPRoutes. */
export function readReleases(objects: readonly KubeObject[]): ServiceRelease[] {
  return [...readIstioReleases(objects), ...readGatewayApiReleases(objects)];
}

function nsOf(o: KubeObject): string {
  return o.metadata.namespace || 'default';
}

/** A match list that selects every request: absent, empty, or only `uri: {prefix: /}` entries. */
export function isCatchAllMatch(match: unknown): boolean {
  if (match === undefined || match === null) return true;
  if (!Array.isArray(match)) return false;
  return match.every((m) => {
    if (!isPlainObject(m)) return false;
    const keys = Object.keys(m).filter((k) => k !== 'name');
    if (keys.length === 0) return true;
    return (
      keys.length === 1 && isPlainObject(m.uri) && Object.keys(m.uri).length === 1 && m.uri.prefix === '/'
    );
  });
}

export function readIstioReleases(objects: readonly KubeObject[]): ServiceRelease[] {
  const drsByHost = new Map<string, DestinationRule[]>();
  const services: VirtualService[] = [];
  for (const o of objects) {
    if (isDestinationRule(o) && typeof o.spec?.host === 'string') {
      const fqdn = resolveHost(o.spec.host, nsOf(o));
      const list = drsByHost.get(fqdn);
      if (list) list.push(o);
      else drsByHost.set(fqdn, [o]);
    } else if (isVirtualService(o)) services.push(o);
  }
  const claims = new Map<string, VirtualService[]>();
  for (const vs of services) {
    for (const h of vs.spec?.hosts ?? []) {
      const key = `${nsOf(vs)}/${resolveHost(h, nsOf(vs))}`;
      const list = claims.get(key);
      if (list) list.push(vs);
      else claims.set(key, [vs]);
    }
  }
  const workloads = indexWorkloads(objects);
  return services.map((vs) => readVirtualService(vs, drsByHost, claims, workloads));
}

interface Reading {
  reasons: string[];
  others: OtherRoute[];
}

function readVirtualService(
  vs: VirtualService,
  drsByHost: Map<string, DestinationRule[]>,
  claims: Map<string, VirtualService[]>,
  workloads: WorkloadIndex,
): ServiceRelease {
  const ns = nsOf(vs);
  const name = vs.metadata.name;
  const spec = isPlainObject(vs.spec) ? vs.spec : {};
  const hosts = Array.isArray(spec.hosts) ? spec.hosts.filter((h): h is string => typeof h === 'string') : [];
  const route = sourceRefOf(vs);
  const r: Reading = { reasons: [], others: [] };
  const version = vs.apiVersion.slice(ISTIO_GROUP.length + 1);
  if (groupOf(vs.apiVersion) !== ISTIO_GROUP || !ISTIO_VERSIONS.includes(version)) {
    r.reasons.push(`VirtualService ${ns}/${name}: apiVersion ${vs.apiVersion} is not one Switchyard reads`);
  }
  if (hosts.length === 0) {
    r.reasons.push(
      `VirtualService ${ns}/${name} has no hosts: it is a delegate, reachable only through the VirtualService that delegates to it`,
    );
  }
  for (const h of hosts) {
    const claimed = claims.get(`${ns}/${resolveHost(h, ns)}`);
    if (claimed && claimed.length > 1) {
      const others = claimed.filter((o) => o !== vs);
      const names = [name, ...others.map((o) => o.metadata.name)].sort().join(', ');
      if (others.length > 0) {
        r.reasons.push(
          `several VirtualServices (${names}) in ${ns} declare host ${h}; Istio merges them only on gateways`,
        );
      }
    }
  }
  const http: unknown[] = Array.isArray(spec.http) ? spec.http : [];
  const hasTcpTls =
    (Array.isArray(spec.tcp) && spec.tcp.length > 0) || (Array.isArray(spec.tls) && spec.tls.length > 0);
  if (http.length === 0 && hasTcpTls) {
    r.reasons.push(`VirtualService ${ns}/${name} has only tcp/tls routes; Switchyard edits http routes`);
  }

  let defaultRoute: DefaultRoute | null = null;
  let defaultIndex = -1;
  const ruleCandidates: Array<{ index: number; route: IstioHTTPRoute }> = [];
  http.forEach((raw, index) => {
    const pointer = `/spec/http/${index}`;
    if (!isPlainObject(raw)) {
      r.reasons.push(`spec.http[${index}] is not a mapping`);
      return;
    }
    const rt = raw as IstioHTTPRoute;
    const nm = typeof rt.name === 'string' ? { name: rt.name } : {};
    if (rt.delegate !== undefined) {
      r.reasons.push(
        `spec.http[${index}] delegates to VirtualService ${String((rt.delegate as { name?: unknown }).name)}; the model cannot see the delegate's routes`,
      );
      r.others.push({ index, pointer, ...nm, reason: 'delegates to another VirtualService' });
      return;
    }
    if (defaultIndex !== -1) {
      r.others.push({ index, pointer, ...nm, reason: 'unreachable: it comes after the catch-all route' });
      return;
    }
    if (isCatchAllMatch(rt.match)) {
      defaultIndex = index;
      const why = unroutable(rt);
      if (why) {
        r.others.push({ index, pointer, ...nm, reason: `catch-all route ${why}` });
        return;
      }
      defaultRoute = { index, pointer, ...nm, destinations: [] };
      return;
    }
    ruleCandidates.push({ index, route: rt });
  });

  // Pair every routed destination with a version; all of this VirtualService's destinations name hosts.
  const dests: Array<{ host: string; fqdn: string; subset?: string }> = [];
  const collect = (d: HTTPRouteDestination[] | undefined) => {
    for (const rd of d ?? []) {
      const dest = isPlainObject(rd) && isPlainObject(rd.destination) ? rd.destination : undefined;
      if (!dest || typeof dest.host !== 'string') continue;
      const subset = typeof dest.subset === 'string' ? { subset: dest.subset } : {};
      dests.push({ host: dest.host, fqdn: resolveHost(dest.host, ns), ...subset });
    }
  };
  const dr0 = defaultRoute as DefaultRoute | null;
  if (dr0) collect((http[dr0.index] as IstioHTTPRoute).route);
  for (const c of ruleCandidates) collect(c.route.route);
  const fqdns = [...new Set(dests.map((d) => d.fqdn))];
  if (fqdns.length === 0 && hosts[0] !== undefined && !hosts[0].includes('*'))
    fqdns.push(resolveHost(hosts[0], ns));

  const sources: SourceRef[] = [route];
  const versions: ReleaseVersion[] = [];
  const labelCount = new Map<string, number>();
  for (const f of fqdns) labelCount.set(firstLabel(f), (labelCount.get(firstLabel(f)) ?? 0) + 1);
  const nameFor = (fqdn: string, subset: string | undefined): string => {
    if (fqdns.length <= 1) return subset ?? firstLabel(fqdn);
    const base =
      labelCount.get(firstLabel(fqdn)) === 1
        ? firstLabel(fqdn)
        : fqdn.replace(/\.svc(\.cluster\.local)?$/, '');
    return subset ? `${base}:${subset}` : base;
  };
  const hostWritten = (fqdn: string) => dests.find((d) => d.fqdn === fqdn)?.host ?? hosts[0] ?? fqdn;
  for (const fqdn of fqdns) {
    const candidates = drsByHost.get(fqdn) ?? [];
    const local = candidates.filter((d) => nsOf(d) === ns);
    const chosen = local.length > 0 ? local : candidates;
    if (chosen.length > 1) {
      const names = chosen.map((d) => `${nsOf(d)}/${d.metadata.name}`).join(', ');
      r.reasons.push(
        `several DestinationRules (${names}) declare host ${fqdn}; cannot tell which subsets apply`,
      );
    }
    for (const dr of chosen.slice(0, 1)) {
      sources.push(sourceRefOf(dr));
      (Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : []).forEach((s) => {
        if (!isPlainObject(s) || typeof s.name !== 'string') return;
        const labels = isPlainObject(s.labels) ? (s.labels as Record<string, string>) : {};
        versions.push({
          name: nameFor(fqdn, s.name),
          host: hostWritten(fqdn),
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
  }
  for (const d of dests) {
    const vname = nameFor(d.fqdn, d.subset);
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
    for (const s of attachDeployments(versions, workloads, fqdn, hostWritten(fqdn))) {
      if (!sources.some((x) => x.kind === s.kind && x.namespace === s.namespace && x.name === s.name))
        sources.push(s);
    }
  }
  const versionOf = (rd: unknown): string | null => {
    const dest = isPlainObject(rd) && isPlainObject(rd.destination) ? rd.destination : undefined;
    if (!dest || typeof dest.host !== 'string') return null;
    return nameFor(resolveHost(dest.host, ns), typeof dest.subset === 'string' ? dest.subset : undefined);
  };

  const dr = defaultRoute as DefaultRoute | null;
  if (dr) {
    const rds = (http[dr.index] as IstioHTTPRoute).route ?? [];
    const raw: Array<number | undefined> = [];
    rds.forEach((rd, j) => {
      const where = `spec.http[${dr.index}].route[${j}]`;
      const problem = destinationProblem(rd, where);
      if (problem) r.reasons.push(problem);
      const w = isPlainObject(rd) ? rd.weight : undefined;
      raw.push(typeof w === 'number' ? w : undefined);
      dr.destinations.push({
        version: versionOf(rd) ?? `#${j}`,
        rawWeight: typeof w === 'number' ? w : undefined,
        percent: 0,
        pointer: `${dr.pointer}/route/${j}`,
      });
    });
    istioDestinationWeights(raw.map((w) => (w === undefined ? {} : { weight: w }))).forEach((p, j) => {
      const d = dr.destinations[j];
      if (d) d.percent = p;
    });
    const seen = new Set<string>();
    for (const d of dr.destinations) {
      if (seen.has(d.version)) r.reasons.push(`the catch-all route lists version '${d.version}' twice`);
      seen.add(d.version);
    }
  }

  const rules: ContentRule[] = [];
  for (const { index, route: rt } of ruleCandidates) {
    const pointer = `/spec/http/${index}`;
    const nm = typeof rt.name === 'string' ? { name: rt.name } : {};
    const why = unroutable(rt) ?? ruleProblem(rt);
    const version = why ? null : versionOf(rt.route?.[0]);
    if (why || !version) {
      r.others.push({ index, pointer, ...nm, reason: why ?? 'its destination has no host' });
      continue;
    }
    rules.push({
      id: `http:${index}`,
      index,
      pointer,
      ...nm,
      matches: (rt.match ?? []) as ContentRule['matches'],
      version,
    });
  }

  const mirrors: MirrorTarget[] = [];
  http.forEach((raw, index) => {
    if (!isPlainObject(raw)) return;
    const rt = raw as IstioHTTPRoute;
    const add = (d: unknown, pct: unknown) => {
      if (!isPlainObject(d) || typeof d.host !== 'string') return;
      const subset = typeof d.subset === 'string' ? d.subset : undefined;
      const v = versions.find((x) => x.fqdn === resolveHost(d.host as string, ns) && x.subset === subset);
      mirrors.push({
        routeIndex: index,
        host: d.host,
        ...(subset !== undefined ? { subset } : {}),
        ...(v ? { version: v.name } : {}),
        percentage: isPlainObject(pct) && typeof pct.value === 'number' ? pct.value : 100,
      });
    };
    if (rt.mirror !== undefined) add(rt.mirror, rt.mirrorPercentage);
    for (const m of Array.isArray(rt.mirrors) ? rt.mirrors : [])
      if (isPlainObject(m)) add(m.destination, m.percentage);
  });

  const disabledRules = readDisabledRules(vs, r.reasons);
  r.others.sort((a, b) => a.index - b.index);
  const host = hosts[0] !== undefined ? resolveHost(hosts[0], ns) : name;
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
    route,
    sources,
    editable: r.reasons.length === 0,
    readOnlyReasons: [...new Set(r.reasons)],
  };
}

/** Why a route cannot carry weighted traffic (redirect, direct response, no destinations), or null. */
function unroutable(rt: IstioHTTPRoute): string | null {
  if (rt.redirect !== undefined) return 'redirects instead of routing';
  if (rt.directResponse !== undefined) return 'answers directly instead of routing';
  if (!Array.isArray(rt.route) || rt.route.length === 0) return 'has no destinations';
  return null;
}

/** Why a matched route is not one content rule ("these requests go to version X"), or null. */
function ruleProblem(rt: IstioHTTPRoute): string | null {
  const route = rt.route ?? [];
  if (route.length !== 1) return 'splits matched requests across several destinations';
  const only = route[0];
  if (destinationProblem(only, 'route')) return 'its destination has fields Istio does not define';
  const w = isPlainObject(only) ? only.weight : undefined;
  if (w !== undefined && w !== 100) return `its only destination has weight ${String(w)}, not 100`;
  return null;
}

function destinationProblem(rd: unknown, where: string): string | null {
  if (!isPlainObject(rd)) return `${where} is not a mapping`;
  for (const k of Object.keys(rd)) {
    if (!ROUTE_DESTINATION_KEYS.has(k)) return `${where} has a field '${k}' Istio does not define`;
  }
  if (
    rd.weight !== undefined &&
    (typeof rd.weight !== 'number' || !Number.isInteger(rd.weight) || rd.weight < 0)
  ) {
    return `${where}.weight is not a whole number`;
  }
  if (!isPlainObject(rd.destination)) return `${where}.destination is missing`;
  if (typeof rd.destination.host !== 'string') return `${where}.destination.host is missing`;
  for (const k of Object.keys(rd.destination)) {
    if (!DESTINATION_KEYS.has(k)) return `${where}.destination has a field '${k}' Istio does not define`;
  }
  return null;
}

function readDisabledRules(vs: VirtualService, reasons: string[]): DisabledRule[] {
  const text = vs.metadata.annotations?.[DISABLED_RULES_ANNOTATION];
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    reasons.push(`annotation ${DISABLED_RULES_ANNOTATION} is not valid JSON; fix or remove it first`);
    return [];
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.every(
      (d) =>
        isPlainObject(d) &&
        typeof d.position === 'number' &&
        typeof d.version === 'string' &&
        isPlainObject(d.route),
    );
  if (!ok) {
    reasons.push(`annotation ${DISABLED_RULES_ANNOTATION} must be a JSON list of {position, version, route}`);
    return [];
  }
  return (parsed as Array<Omit<DisabledRule, 'id'>>).map((d, i) => ({ ...d, id: `disabled:${i}` }));
}
