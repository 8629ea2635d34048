// Structural types for the parts of Istio and Gateway API objects that Switchyard reads.
// Every object may carry fields these types do not name; code that writes must keep them.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid?: string;
    controller?: boolean;
  }>;
  managedFields?: Array<{ manager?: string; operation?: string; apiVersion?: string; time?: string }>;
  [key: string]: unknown;
}

export interface KubeObject<Spec = unknown> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Spec;
  [key: string]: unknown;
}

/** Istio StringMatch: exactly one of exact, prefix, regex. */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

/** The request fields an Istio match compares as one StringMatch each. */
export type StringMatchField = 'uri' | 'scheme' | 'method' | 'authority';
/** The request fields an Istio match compares as a StringMatch per key (header or parameter name). */
export type KeyedMatchField = 'headers' | 'withoutHeaders' | 'queryParams';

export interface HTTPMatchRequest
  extends Partial<Record<StringMatchField, StringMatch>>,
    Partial<Record<KeyedMatchField, Record<string, StringMatch>>> {
  name?: string;
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  sourceNamespace?: string;
  ignoreUriCase?: boolean;
  [key: string]: unknown;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number?: number };
}

export interface HTTPRouteDestination {
  destination: Destination;
  weight?: number;
  headers?: unknown;
  [key: string]: unknown;
}

export interface IstioHTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: HTTPRouteDestination[];
  redirect?: unknown;
  directResponse?: unknown;
  delegate?: { name: string; namespace?: string };
  mirror?: Destination;
  mirrorPercentage?: { value: number };
  mirrors?: Array<{ destination: Destination; percentage?: { value: number } }>;
  [key: string]: unknown;
}

export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: IstioHTTPRoute[];
  tcp?: unknown[];
  tls?: unknown[];
  exportTo?: string[];
  [key: string]: unknown;
}

export interface Subset {
  name: string;
  labels?: Record<string, string>;
  trafficPolicy?: unknown;
  [key: string]: unknown;
}

export interface DestinationRuleSpec {
  host: string;
  subsets?: Subset[];
  trafficPolicy?: unknown;
  exportTo?: string[];
  [key: string]: unknown;
}

export interface GatewayBackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  [key: string]: unknown;
}

export interface GatewayHTTPRouteRule {
  name?: string;
  matches?: unknown[];
  filters?: unknown[];
  backendRefs?: GatewayBackendRef[];
  [key: string]: unknown;
}

export interface GatewayHTTPRouteSpec {
  parentRefs?: Array<{ group?: string; kind?: string; name: string; namespace?: string; port?: number }>;
  hostnames?: string[];
  rules?: GatewayHTTPRouteRule[];
  [key: string]: unknown;
}

export type VirtualService = KubeObject<VirtualServiceSpec>;
export type DestinationRule = KubeObject<DestinationRuleSpec>;
export type GatewayHTTPRoute = KubeObject<GatewayHTTPRouteSpec>;

export const ISTIO_GROUP = 'networking.istio.io';
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function isVirtualService(o: KubeObject): o is VirtualService {
  return o.kind === 'VirtualService' && groupOf(o.apiVersion) === ISTIO_GROUP;
}

export function isDestinationRule(o: KubeObject): o is DestinationRule {
  return o.kind === 'DestinationRule' && groupOf(o.apiVersion) === ISTIO_GROUP;
}

export function isGatewayHTTPRoute(o: KubeObject): o is GatewayHTTPRoute {
  return o.kind === 'HTTPRoute' && groupOf(o.apiVersion) === GATEWAY_GROUP;
}
