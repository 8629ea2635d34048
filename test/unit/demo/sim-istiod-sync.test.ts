import { describe, expect, it } from 'vitest';
import { ACK_DELAY_MS, IstiodSync, type SyncStatusJson } from '../../../main/demo/sim/istiod-sync.ts';
import { resolveSimResourceTypes } from '../../../main/demo/sim/sim-resource-types.ts';
import type { ObjectStore } from '../../../main/demo/store/object-store.ts';
import { type seededFakeStore, typeOfKind } from './sim-fake-store.ts';
import { SIM_START_MS, startManualSimulation } from './sim-start.ts';

const START = SIM_START_MS;

function start(faults = { stale: [] as string[], hidden: false }) {
  const started = startManualSimulation({ faults });
  started.sim.advance(2000);
  return { ...started, faults };
}

/** Changes one weight of reviews, as an apply would. */
function changeReviews(store: ReturnType<typeof seededFakeStore>) {
  const type = typeOfKind(store, 'VirtualService');
  const vs = structuredClone(store.get(type, 'bookinfo', 'reviews'));
  if (!vs) throw new Error('no reviews VirtualService in the seed');
  const http = (vs.spec as { http: Array<{ route: Array<{ weight?: number }> }> }).http;
  const route = http.at(-1)?.route ?? [];
  if (route[0]) route[0].weight = (route[0].weight ?? 0) === 50 ? 60 : 50;
  store.update(vs);
}

const synced = (e: SyncStatusJson) => e.route_sent === e.route_acked && e.cluster_sent === e.cluster_acked;

describe('the demo istiod', () => {
  it('reports every sidecar of the injected namespaces and the ingress gateway, in syncz shape', () => {
    const { sim } = start();
    const all = sim.istiod.syncz();
    expect(all.some((e) => e.proxy_type === 'router' && e.proxy.startsWith('istio-ingressgateway-'))).toBe(
      true,
    );
    expect(
      all.every((e) => /^[a-z0-9-]+\.(bookinfo|shop|storefront|ledger|istio-system)$/.test(e.proxy)),
    ).toBe(true);
    expect(all.some((e) => e.proxy_type === 'sidecar' && e.proxy.startsWith('catalog-v2-'))).toBe(true);
    // istiod itself and Prometheus have no sidecar.
    expect(all.some((e) => e.proxy.startsWith('istiod-'))).toBe(false);
    const [first] = all;
    expect(first).toMatchObject({ cluster_id: 'Kubernetes', istio_version: '1.27.1' });
    expect(first?.route_sent).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/\d+[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(all.every(synced)).toBe(true);
    expect(sim.istiod.syncz('shop').every((e) => e.proxy.endsWith('.shop'))).toBe(true);
  });

  it('counts no sidecar in the ambient ledger namespace: its one proxy is the waypoint, a router', () => {
    const { sim, store } = start();
    const ledgerPods = store.list(typeOfKind(store, 'Pod'), 'ledger').map((p) => p.metadata.name);
    expect(ledgerPods.some((n) => n.startsWith('accounts-v1-'))).toBe(true);
    const ledger = sim.istiod.syncz('ledger');
    expect(ledger.map((e) => [e.proxy.replace(/-[a-z0-9]+-[a-z0-9]+\.ledger$/, ''), e.proxy_type])).toEqual([
      ['waypoint', 'router'],
    ]);
  });

  it('pushes a routing change to every proxy, acknowledged 0.3-1.5 s later', () => {
    const { sim, store } = start();
    changeReviews(store);
    const version = sim.istiod.pushVersion;
    const after = sim.istiod.syncz();
    expect(after.every((e) => e.route_sent?.startsWith(version))).toBe(true);
    expect(after.some(synced)).toBe(false);
    sim.advance(ACK_DELAY_MS.min - 50);
    expect(sim.istiod.syncz().some(synced)).toBe(false);
    sim.advance(ACK_DELAY_MS.max - ACK_DELAY_MS.min + 100);
    expect(sim.istiod.syncz().every(synced)).toBe(true);
  });

  it('debounces a burst of changes into one push 100 ms after the last, as istiod does', () => {
    const { sim, store } = start();
    changeReviews(store);
    const first = sim.istiod.pushVersion;
    changeReviews(store);
    changeReviews(store);
    const merged = sim.istiod.pushVersion;
    expect(Number(merged.split('/')[1])).toBe(Number(first.split('/')[1]) + 1);
    expect(sim.istiod.syncz().every((e) => e.route_sent?.startsWith(first))).toBe(true);
    sim.advance(100);
    expect(sim.istiod.syncz().every((e) => e.route_sent?.startsWith(merged))).toBe(true);
  });

  it('keeps a proxy the fault names stale, and lets it catch up when the fault is cleared', () => {
    const { sim, store, faults } = start();
    faults.stale = ['reviews-v2'];
    changeReviews(store);
    sim.advance(2000);
    const stale = sim.istiod.syncz().filter((e) => !synced(e));
    expect(stale.map((e) => e.proxy)).toEqual([expect.stringMatching(/^reviews-v2-.*\.bookinfo$/)]);
    expect(stale[0]?.route_acked).toBeDefined();
    faults.stale = [];
    expect(sim.istiod.syncz().every(synced)).toBe(true);
  });

  it('serves /debug/syncz at istiod:15014, and 404 when the debug endpoints are hidden', async () => {
    const { handlers, faults } = start();
    const handler = handlers.get('istio-system/istiod:15014');
    expect(handler).toBeDefined();
    const call = async () => {
      let status = 0;
      let body = '';
      const res = {
        writeHead(s: number) {
          status = s;
          return res;
        },
        end(b?: string) {
          body = b ?? '';
        },
      };
      await handler?.({ method: 'GET' } as never, res as never, '/debug/syncz');
      return { status, body };
    };
    const ok = await call();
    expect(ok.status).toBe(200);
    expect(Array.isArray(JSON.parse(ok.body))).toBe(true);
    faults.hidden = true;
    expect((await call()).status).toBe(404);
  });
});

describe('the demo istiod at start', () => {
  it('reads the pods one at a time, never as one list of every pod', () => {
    // At 50,000 services one list of every pod left ~300 MB of parsed pods behind at start.
    const { store } = start();
    const types = resolveSimResourceTypes(store);
    const wholePodLists: string[] = [];
    const watched: ObjectStore = Object.create(store);
    watched.list = (type, namespace) => {
      if (type === types.pod && namespace === undefined) wholePodLists.push(type.resource);
      return store.list(type, namespace);
    };
    const istiod = new IstiodSync({ store: watched, types, now: () => START, seed: 1 });
    expect(wholePodLists).toEqual([]);
    const podsWithSidecar = new Set(istiod.connected().map((p) => p.id));
    expect(podsWithSidecar.size).toBeGreaterThan(5);
    for (const pod of store.list(types.pod).filter((p) => p.metadata.namespace === 'bookinfo'))
      expect(podsWithSidecar.has(`${pod.metadata.name}.bookinfo`)).toBe(true);
    istiod.dispose();
  });
});
