// The demo's Gateway API status controller (Istio's gateway controller, as far as status goes):
// after a change to an HTTPRoute, a Gateway, a ReferenceGrant or a Service it recomputes the status of every
// HTTPRoute and Gateway (gateway-api-status.ts) and writes the status subresource where it changed.
// Work is marked on events and done by `sync()`, as the Deployment controller's.

import { referenceGrantsOf } from '../../../shared/mesh/read/index.ts';
import type { KubeObject, ObjectStore, ResourceType, StoreEvent } from '../store/object-store.ts';
import {
  attachesTo,
  gatewayStatus,
  httpRouteStatus,
  parentRefsOf,
  type StatusWorld,
} from './gateway-api-status.ts';
import { writeStatusIfChanged } from './replica-set-pods.ts';
import { objectKey, type SimResourceTypes } from './sim-resource-types.ts';

export interface GatewayApiControllerDeps {
  store: ObjectStore;
  types: SimResourceTypes;
  now: () => number;
  /** Called when there is work for `sync()` (the simulation schedules it). */
  onWork?: () => void;
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export class GatewayApiController {
  private dirty = true;
  /** True while this controller writes: its own status writes are no new work. */
  private writing = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: GatewayApiControllerDeps) {
    this.unsubscribe = deps.store.subscribe((ev) => this.onEvent(ev));
  }

  dispose(): void {
    this.unsubscribe();
  }

  private onEvent(ev: StoreEvent): void {
    if (this.writing) return;
    const { kind, group } = ev.resource;
    const relevant =
      ((kind === 'HTTPRoute' || kind === 'Gateway' || kind === 'ReferenceGrant') &&
        group === GATEWAY_GROUP) ||
      (kind === 'Service' && group === '');
    if (!relevant || this.dirty) return;
    this.dirty = true;
    this.deps.onWork?.();
  }

  /** Writes the status of every HTTPRoute and Gateway whose status is not what it should be. */
  sync(): void {
    const { store, types } = this.deps;
    if (!this.dirty || !types.httpRoute || !types.gateway) return;
    this.dirty = false;
    const routes = store.list(types.httpRoute);
    const gateways = store.list(types.gateway);
    const world: StatusWorld = {
      // Looked up one by one: listing every Service costs 50,000 objects at scale.
      services: serviceLookup(store, types.service),
      gateways: new Map(gateways.map((g) => [objectKey(g.metadata.namespace, g.metadata.name), g])),
      grants: referenceGrantsOf(types.referenceGrant ? store.list(types.referenceGrant) : []),
    };
    const now = this.deps.now();
    this.writing = true;
    try {
      const accepted: KubeObject[] = [];
      for (const route of routes) {
        const status = httpRouteStatus(route, world, now);
        writeStatusIfChanged(store, route, status);
        accepted.push({ ...route, status });
      }
      for (const gateway of gateways) {
        const attached = (listener: string) =>
          accepted.filter((r) =>
            parentRefsOf(r).some((ref, i) => attachesTo(r, ref, gateway, listener) && isAccepted(r, i)),
          ).length;
        const status = gatewayStatus(gateway, world, attached, now);
        if (status) writeStatusIfChanged(store, gateway, status);
      }
    } finally {
      this.writing = false;
    }
  }
}

/** Whether the Istio status entry of the route's i-th parentRef says Accepted. */
function isAccepted(route: KubeObject, i: number): boolean {
  const parents =
    (
      route.status as {
        parents?: Array<{ controllerName?: string; conditions?: Array<{ type: string; status: string }> }>;
      }
    ).parents ?? [];
  const ours = parents.filter((p) => p.controllerName === 'istio.io/gateway-controller');
  return ours[i]?.conditions?.some((c) => c.type === 'Accepted' && c.status === 'True') ?? false;
}

/** Services by `namespace/name`, read from the store when asked. */
function serviceLookup(store: ObjectStore, type: ResourceType): StatusWorld['services'] {
  const get = (key: string) => {
    const slash = key.indexOf('/');
    return store.get(type, key.slice(0, slash), key.slice(slash + 1));
  };
  return { get, has: (key) => get(key) !== undefined };
}
