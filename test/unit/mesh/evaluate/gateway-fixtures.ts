import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import type { MeshRequest, RouteOutcome } from '../../../../shared/mesh/evaluate/index.ts';
import { compileHTTPRoute, type GatewayRouterOptions } from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';

export const engine = re2Engine();

/** An HTTPRoute `checkout` in `shop` with these rules. */
export function hr(
  rules: unknown[],
  spec: Record<string, unknown> = {},
  apiVersion = 'gateway.networking.k8s.io/v1',
) {
  return {
    apiVersion,
    kind: 'HTTPRoute',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: { hostnames: ['checkout.example.com'], rules, ...spec },
  } as KubeObject;
}

export const to = (name: string, weight?: number) => ({
  name,
  port: 80,
  ...(weight === undefined ? {} : { weight }),
});

export const rule = (backend: string, matches?: unknown[], extra: Record<string, unknown> = {}) => ({
  ...(matches ? { matches } : {}),
  backendRefs: [to(backend)],
  ...extra,
});

export function route(
  h: KubeObject,
  request: MeshRequest,
  random = 0,
  options: Partial<GatewayRouterOptions> = {},
): RouteOutcome {
  return compileHTTPRoute(h, { engine, ...options }).route(request, random);
}

/** Where a request went: the version, or the status (and reason) of what answered instead. */
export function where(o: RouteOutcome): string {
  if (o.kind === 'route') return o.version;
  if (o.kind === 'delegate') return 'delegate';
  return `${o.status}${'reason' in o ? ` ${o.reason}` : ''}`;
}

export const go = (h: KubeObject, request: MeshRequest, random = 0) => where(route(h, request, random));
