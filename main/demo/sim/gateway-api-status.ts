// What Istio's gateway controller writes into the status of Gateway API objects, as pure functions
// of the object, what exists around it, the status it had and the time (the I/O is in
// gateway-api-controller.ts):
// - an HTTPRoute gets one `status.parents[]` entry per parentRef, controllerName
//   istio.io/gateway-controller, with `Accepted` (False/NoMatchingParent when the Gateway or Service
//   does not exist, False/NoMatchingListenerHostname when no listener takes its hostnames) and
//   `ResolvedRefs` (False/BackendNotFound naming the missing Services, InvalidKind for a backend that
//   is not a Service, RefNotPermitted for a Service in another namespace no ReferenceGrant permits);
//   entries of other controllers are kept;
// - a Gateway of class istio or istio-waypoint gets `Accepted` and `Programmed` (False/
//   AddressNotAssigned while the Service that serves it does not exist), its address and per
//   listener the routes attached. Gateways of other classes are not Istio's: left alone.
// A condition keeps its lastTransitionTime while its status stays the same, so an unchanged world
// gives an identical status (and the controller writes nothing).

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { backendRefPermitted, type ReferenceGrants } from '../../../shared/mesh/read/index.ts';

export const ISTIO_GATEWAY_CONTROLLER = 'istio.io/gateway-controller';
export const ISTIO_GATEWAY_CLASSES: readonly string[] = ['istio', 'istio-waypoint'];
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

/** What exists around the objects: Services and Gateways as `namespace/name`, ReferenceGrants (none when absent). */
export interface StatusWorld {
  services: Pick<ReadonlyMap<string, KubeObject>, 'get' | 'has'>;
  gateways: ReadonlyMap<string, KubeObject>;
  grants?: ReferenceGrants;
}

interface ParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

const NO_GRANTS: ReferenceGrants = new Map();

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function condition(
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  generation: number,
  previous: readonly Condition[] | undefined,
  now: number,
): Condition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  const lastTransitionTime =
    before && before.status === status && typeof before.lastTransitionTime === 'string'
      ? before.lastTransitionTime
      : rfc3339(now);
  return { type, status, reason, message, observedGeneration: generation, lastTransitionTime };
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function parentRefsOf(route: KubeObject): ParentRef[] {
  return list(record(route.spec).parentRefs).filter(
    (p): p is ParentRef => typeof record(p).name === 'string',
  );
}

const isServiceRef = (p: { group?: string; kind?: string }) => p.kind === 'Service' && (p.group ?? '') === '';
const isGatewayRef = (p: { group?: string; kind?: string }) =>
  (p.kind ?? 'Gateway') === 'Gateway' && (p.group ?? GATEWAY_GROUP) === GATEWAY_GROUP;

function hostnameMatches(listener: string | undefined, host: string): boolean {
  if (listener === undefined) return true;
  if (listener.startsWith('*.')) return host.endsWith(listener.slice(1)) || host === listener;
  if (host.startsWith('*.')) return listener.endsWith(host.slice(1));
  return listener === host;
}

/** Why a parent does not accept the route, or undefined when it does. */
function notAccepted(route: KubeObject, ref: ParentRef, world: StatusWorld): [string, string] | undefined {
  const ns = ref.namespace || route.metadata.namespace || 'default';
  if (isServiceRef(ref))
    return world.services.has(`${ns}/${ref.name}`)
      ? undefined
      : ['NoMatchingParent', `parent Service ${ns}/${ref.name} not found`];
  if (!isGatewayRef(ref))
    return ['NotAllowedByListeners', `parentRef kind ${String(ref.kind)} is not supported`];
  const gateway = world.gateways.get(`${ns}/${ref.name}`);
  if (!gateway) return ['NoMatchingParent', `parent Gateway ${ns}/${ref.name} not found`];
  const listeners = list(record(gateway.spec).listeners)
    .map(record)
    .filter((l) => ref.sectionName === undefined || l.name === ref.sectionName);
  if (listeners.length === 0)
    return ['NoMatchingParent', `no listener ${ref.sectionName} on ${ns}/${ref.name}`];
  const hostnames = list(record(route.spec).hostnames).filter((h): h is string => typeof h === 'string');
  const fits = listeners.some(
    (l) =>
      hostnames.length === 0 ||
      hostnames.some((h) => hostnameMatches(typeof l.hostname === 'string' ? l.hostname : undefined, h)),
  );
  return fits ? undefined : ['NoMatchingListenerHostname', 'no hostnames matched parent hostnames'];
}

/** Why the route's backends do not resolve, or undefined when every one does. */
function unresolved(route: KubeObject, world: StatusWorld): [string, string] | undefined {
  const ns = route.metadata.namespace || 'default';
  const missing: string[] = [];
  for (const rule of list(record(route.spec).rules))
    for (const raw of list(record(rule).backendRefs)) {
      const b = record(raw);
      const name = String(b.name);
      if ((b.kind ?? 'Service') !== 'Service' || (b.group ?? '') !== '')
        return [
          'InvalidKind',
          `referencing unsupported backendRef: group "${String(b.group ?? '')}" kind "${String(b.kind)}"`,
        ];
      const bns = typeof b.namespace === 'string' && b.namespace !== '' ? b.namespace : ns;
      if (!backendRefPermitted(world.grants ?? NO_GRANTS, ns, bns, name))
        return [
          'RefNotPermitted',
          `backendRef ${name}/${bns} not accessible to a HTTPRoute in namespace "${ns}" (missing a ReferenceGrant?)`,
        ];
      const host = `${name}.${bns}.svc.cluster.local`;
      if (!world.services.has(`${bns}/${name}`) && !missing.includes(host)) missing.push(host);
    }
  if (missing.length === 0) return undefined;
  return ['BackendNotFound', missing.map((h) => `backend(${h}) not found`).join('; ')];
}

/** The status Istio writes on an HTTPRoute. */
export function httpRouteStatus(route: KubeObject, world: StatusWorld, now: number): Record<string, unknown> {
  const generation = route.metadata.generation ?? 1;
  const previous = list(record(route.status).parents).map(record);
  const others = previous.filter((p) => p.controllerName !== ISTIO_GATEWAY_CONTROLLER);
  const refs = unresolved(route, world);
  const parents = parentRefsOf(route).map((ref) => {
    const before = previous.find(
      (p) =>
        p.controllerName === ISTIO_GATEWAY_CONTROLLER && JSON.stringify(p.parentRef) === JSON.stringify(ref),
    );
    const prior = list(before?.conditions) as Condition[];
    const rejected = notAccepted(route, ref, world);
    return {
      parentRef: ref,
      controllerName: ISTIO_GATEWAY_CONTROLLER,
      conditions: [
        rejected
          ? condition('Accepted', false, rejected[0], rejected[1], generation, prior, now)
          : condition('Accepted', true, 'Accepted', 'Route was valid', generation, prior, now),
        refs
          ? condition('ResolvedRefs', false, refs[0], refs[1], generation, prior, now)
          : condition(
              'ResolvedRefs',
              true,
              'ResolvedRefs',
              'All references resolved',
              generation,
              prior,
              now,
            ),
      ],
    };
  });
  return { ...record(route.status), parents: [...others, ...parents] };
}

/** The Service whose pods serve a Gateway: the ingress gateway for class istio, the waypoint's own Service. */
export function servingServiceKey(gateway: KubeObject): string | undefined {
  const cls = record(gateway.spec).gatewayClassName;
  if (cls === 'istio') return 'istio-system/istio-ingressgateway';
  if (cls === 'istio-waypoint') return `${gateway.metadata.namespace ?? 'default'}/${gateway.metadata.name}`;
  return undefined;
}

/**
 * The status Istio writes on a Gateway, or undefined for a class that is not Istio's.
 * `attached(listener)` counts the accepted routes attached to a listener.
 */
export function gatewayStatus(
  gateway: KubeObject,
  world: StatusWorld,
  attached: (listener: string) => number,
  now: number,
): Record<string, unknown> | undefined {
  const key = servingServiceKey(gateway);
  if (key === undefined) return undefined;
  const generation = gateway.metadata.generation ?? 1;
  const status = record(gateway.status);
  const prior = list(status.conditions) as Condition[];
  const service = world.services.get(key);
  const ip = record(service?.spec).clusterIP;
  const host = `${key.split('/')[1]}.${key.split('/')[0]}.svc.cluster.local`;
  const priorListeners = list(status.listeners).map(record);
  const listeners = list(record(gateway.spec).listeners)
    .map(record)
    .map((l) => {
      const name = String(l.name);
      const before = list(priorListeners.find((p) => p.name === name)?.conditions) as Condition[];
      const http = l.protocol === 'HTTP' || l.protocol === 'HTTPS';
      return {
        name,
        attachedRoutes: attached(name),
        supportedKinds: http
          ? [
              { group: GATEWAY_GROUP, kind: 'HTTPRoute' },
              { group: GATEWAY_GROUP, kind: 'GRPCRoute' },
            ]
          : [],
        conditions: [
          condition('Accepted', true, 'Accepted', 'No errors found', generation, before, now),
          condition('Programmed', true, 'Programmed', 'No errors found', generation, before, now),
          condition('ResolvedRefs', true, 'ResolvedRefs', 'No errors found', generation, before, now),
        ],
      };
    });
  return {
    ...(typeof ip === 'string' ? { addresses: [{ type: 'IPAddress', value: ip }] } : {}),
    conditions: [
      condition('Accepted', true, 'Accepted', 'Resource accepted', generation, prior, now),
      typeof ip === 'string'
        ? condition(
            'Programmed',
            true,
            'Programmed',
            `Resource programmed, assigned to service(s) ${host}:${servicePort(service)}`,
            generation,
            prior,
            now,
          )
        : condition(
            'Programmed',
            false,
            'AddressNotAssigned',
            `Service ${key} that serves the Gateway was not found`,
            generation,
            prior,
            now,
          ),
    ],
    listeners,
  };
}

function servicePort(service: KubeObject | undefined): string {
  const port = record(list(record(service?.spec).ports)[0]).port;
  return typeof port === 'number' ? String(port) : '80';
}

/** Whether a route's parentRef names this Gateway listener (no sectionName: every listener). */
export function attachesTo(
  route: KubeObject,
  ref: ParentRef,
  gateway: KubeObject,
  listener: string,
): boolean {
  const ns = ref.namespace || route.metadata.namespace || 'default';
  return (
    isGatewayRef(ref) &&
    ns === (gateway.metadata.namespace ?? 'default') &&
    ref.name === gateway.metadata.name &&
    (ref.sectionName === undefined || ref.sectionName === listener)
  );
}
