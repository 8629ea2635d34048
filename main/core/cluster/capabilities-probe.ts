import type { Clock } from './clock.ts';
import { GATEWAY_GROUP, ISTIO_GROUP } from './cluster-resources.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import { KubeApiError } from './kube-http-client.ts';

export interface Reachability {
  latencyMs: number;
  serverVersion: string;
}

export interface ApiDiscovery {
  /** Served versions of networking.istio.io (v1, v1beta1, v1alpha3), preferred first. */
  istioVersions: string[];
  /** Served versions of gateway.networking.k8s.io. */
  gatewayVersions: string[];
}

export type PrometheusLocation =
  | { kind: 'url'; url: string }
  | { kind: 'service'; namespace: string; name: string; port: number; proxyPath: string }
  | { kind: 'none'; reason: string };

export const CHECKED_VERBS = ['get', 'list', 'watch', 'patch', 'create', 'delete'] as const;
export type CheckedVerb = (typeof CHECKED_VERBS)[number];

export const CHECKED_RESOURCES = [
  { group: ISTIO_GROUP, resource: 'virtualservices' },
  { group: ISTIO_GROUP, resource: 'destinationrules' },
  { group: GATEWAY_GROUP, resource: 'httproutes' },
  { group: 'apps', resource: 'deployments' },
] as const;

/** Where a verb is allowed: everywhere, only in the context's namespace, or nowhere. */
export type Grant = 'all-namespaces' | 'namespace' | 'none';

/** `virtualservices.networking.istio.io` → verb → grant. */
export type Permissions = Record<string, Record<CheckedVerb, Grant>>;

const qualified = (r: { group: string; resource: string }) =>
  r.group ? `${r.resource}.${r.group}` : r.resource;

/** GET /version, timed: the cheapest request every server answers. */
export async function probeReachability(
  client: KubeHttpClient,
  clock: Clock,
  timeoutMs: number,
): Promise<Reachability> {
  const started = clock.now();
  const version = await client.request<{ gitVersion?: string; major?: string; minor?: string }>({
    path: '/version',
    timeoutMs,
  });
  const latencyMs = Math.max(0, clock.now() - started);
  const serverVersion =
    version?.gitVersion ?? (version?.major ? `v${version.major}.${version.minor ?? '0'}` : 'unknown');
  return { latencyMs, serverVersion };
}

interface ApiGroupList {
  groups?: Array<{
    name?: string;
    versions?: Array<{ version?: string }>;
    preferredVersion?: { version?: string };
  }>;
}

/** Which Istio and Gateway API versions the server serves, from the group list (one request). */
export async function discoverMeshApis(client: KubeHttpClient): Promise<ApiDiscovery> {
  const list = await client.request<ApiGroupList>({ path: '/apis' });
  const versionsOf = (name: string) =>
    (list?.groups ?? [])
      .filter((g) => g.name === name)
      .flatMap((g) => g.versions ?? [])
      .map((v) => v.version)
      .filter((v): v is string => typeof v === 'string');
  return { istioVersions: versionsOf(ISTIO_GROUP), gatewayVersions: versionsOf(GATEWAY_GROUP) };
}

interface ServiceList {
  items?: Array<{ metadata?: { name?: string }; spec?: { ports?: Array<{ name?: string; port?: number }> } }>;
}

const PROMETHEUS_NAMESPACES = ['istio-system', 'monitoring'];

/**
 * A URL set for the context wins; else the first Service named prometheus* in istio-system or
 * monitoring, reached through the API server's service proxy (no port-forward, same credentials).
 */
export async function locatePrometheus(
  client: KubeHttpClient,
  configuredUrl?: string,
): Promise<PrometheusLocation> {
  if (configuredUrl) return { kind: 'url', url: configuredUrl };
  const denied: string[] = [];
  for (const namespace of PROMETHEUS_NAMESPACES) {
    let list: ServiceList;
    try {
      list = await client.request<ServiceList>({ path: `/api/v1/namespaces/${namespace}/services` });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 403) denied.push(namespace);
      else if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      continue;
    }
    const services = (list.items ?? []).filter((s) => s.metadata?.name?.startsWith('prometheus'));
    // `prometheus` itself before `prometheus-operator`, `prometheus-node-exporter`, …
    services.sort((a, b) => (a.metadata?.name ?? '').length - (b.metadata?.name ?? '').length);
    const service = services[0];
    if (!service?.metadata?.name) continue;
    const ports = service.spec?.ports ?? [];
    const port =
      ports.find((p) => p.name === 'http' || p.name === 'web' || p.name === 'http-web')?.port ??
      ports.find((p) => p.port === 9090)?.port ??
      ports[0]?.port ??
      9090;
    const name = service.metadata.name;
    return {
      kind: 'service',
      namespace,
      name,
      port,
      proxyPath: `/api/v1/namespaces/${namespace}/services/${name}:${port}/proxy`,
    };
  }
  const reason =
    denied.length > 0
      ? `may not list services in ${denied.join(' and ')}; set the Prometheus URL for this context in settings`
      : 'no service named prometheus* in istio-system or monitoring; set the Prometheus URL for this context in settings';
  return { kind: 'none', reason };
}

async function allowed(
  client: KubeHttpClient,
  group: string,
  resource: string,
  verb: string,
  namespace?: string,
) {
  const review = await client.request<{ status?: { allowed?: boolean } }>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group, resource, verb, ...(namespace ? { namespace } : {}) } },
    },
  });
  return review?.status?.allowed === true;
}

/** One SelfSubjectAccessReview per verb and resource (cluster-wide, then the context's namespace). */
export async function reviewPermissions(client: KubeHttpClient, namespace?: string): Promise<Permissions> {
  const permissions: Permissions = {};
  await Promise.all(
    CHECKED_RESOURCES.map(async (r) => {
      const grants = {} as Record<CheckedVerb, Grant>;
      await Promise.all(
        CHECKED_VERBS.map(async (verb) => {
          if (await allowed(client, r.group, r.resource, verb)) grants[verb] = 'all-namespaces';
          else if (namespace && (await allowed(client, r.group, r.resource, verb, namespace)))
            grants[verb] = 'namespace';
          else grants[verb] = 'none';
        }),
      );
      permissions[qualified(r)] = grants;
    }),
  );
  return permissions;
}

/**
 * Why the context is read-only, or null when it may change routing: patching the route objects
 * it would edit (VirtualServices and DestinationRules, or HTTPRoutes on a Gateway-API-only mesh).
 */
export function readOnlyReason(
  user: string,
  permissions: Permissions,
  discovery: ApiDiscovery,
): string | null {
  const needed =
    discovery.istioVersions.length > 0 || discovery.gatewayVersions.length === 0
      ? ['virtualservices.networking.istio.io', 'destinationrules.networking.istio.io']
      : ['httproutes.gateway.networking.k8s.io'];
  for (const resource of needed) {
    const grant = permissions[resource]?.patch ?? 'none';
    if (grant === 'none') return `${user || 'this user'} may not patch ${resource} in any namespace`;
  }
  return null;
}
