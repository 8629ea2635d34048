// The demo istiod's kept /debug/syncz answer (kept-syncz.ts) against the entries computed afresh:
// through any run of changes, time passing, stale faults and pods coming and going, the kept
// answer, whole or per namespace, is exactly the fresh one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeptSyncz } from '../../../main/demo/sim/kept-syncz.ts';
import { typeOfKind } from './sim-fake-store.ts';
import { startManualSimulation } from './sim-start.ts';

const NAMESPACES = ['bookinfo', 'shop', 'storefront', 'ledger', 'istio-system', 'nowhere'];
const STALE = ['reviews-v2', 'istio-ingressgateway', 'productpage', 'catalog'];

function start() {
  const faults = { stale: [] as string[], hidden: false };
  const started = startManualSimulation({ faults });
  started.sim.advance(2000);
  return { ...started, faults };
}

type Op =
  | { op: 'route'; weight: number }
  | { op: 'advance'; ms: number }
  | { op: 'stale'; names: string[] }
  | { op: 'deletePod'; index: number }
  | { op: 'read'; namespace?: string };

const ops: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('route' as const), weight: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1800 }) }),
  fc.record({ op: fc.constant('stale' as const), names: fc.subarray(STALE) }),
  fc.record({ op: fc.constant('deletePod' as const), index: fc.nat() }),
  fc.record({
    op: fc.constant('read' as const),
    namespace: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }),
  }),
);

/** Runs `run` on a fresh simulation, checking the kept answer against the fresh one on each read and at the end. */
function checkRun(run: Op[]): void {
  const { store, sim, faults } = start();
  const kept = new KeptSyncz(sim.istiod);
  const vsType = typeOfKind(store, 'VirtualService');
  const podType = typeOfKind(store, 'Pod');
  const check = (namespace?: string) =>
    expect(JSON.parse(kept.body(namespace))).toEqual(sim.istiod.syncz(namespace));
  try {
    for (const step of run) {
      if (step.op === 'route') {
        const vs = structuredClone(store.get(vsType, 'bookinfo', 'reviews'));
        const http = (vs?.spec as { http?: Array<{ route: Array<{ weight?: number }> }> } | undefined)?.http;
        const route = http?.at(-1)?.route[0];
        if (vs && route) {
          route.weight = step.weight;
          store.update(vs);
        }
      } else if (step.op === 'advance') sim.advance(step.ms);
      else if (step.op === 'stale') faults.stale = step.names;
      else if (step.op === 'deletePod') {
        const pods = store.list(podType);
        const pod = pods[step.index % pods.length];
        if (pod) store.delete(podType, pod.metadata.namespace, pod.metadata.name);
        sim.syncControllers();
      } else check(step.namespace);
    }
    check();
    for (const ns of NAMESPACES) check(ns);
  } finally {
    kept.dispose();
    void sim.stop();
  }
}

describe("the demo istiod's kept syncz", () => {
  it('equals the entries computed afresh, whole and per namespace, through any run of changes', () => {
    fc.assert(fc.property(fc.array(ops, { minLength: 1, maxLength: 25 }), checkRun), { numRuns: 40 });
  });

  it('a proxy a stale fault held catches up in the kept answer as soon as the fault is cleared', () => {
    checkRun([
      { op: 'stale', names: ['reviews-v2'] },
      { op: 'route', weight: 30 },
      { op: 'advance', ms: 1700 },
      { op: 'read', namespace: 'bookinfo' },
      { op: 'read' },
      { op: 'stale', names: [] },
      { op: 'read', namespace: 'bookinfo' },
    ]);
  });

  it('a pod that left is gone from the kept answer, and its replacement is in it', () => {
    checkRun([
      { op: 'read' },
      { op: 'deletePod', index: 3 },
      { op: 'read' },
      { op: 'advance', ms: 500 },
      { op: 'deletePod', index: 7 },
      { op: 'advance', ms: 2000 },
    ]);
  });

  it('serves a namespace alone for ?namespace=, and the whole mesh without it, as compact JSON', async () => {
    const { sim, handlers } = start();
    const handler = handlers.get('istio-system/istiod:15014');
    const call = async (subpath: string) => {
      let body = '';
      const res = {
        writeHead: () => res,
        end(b?: string) {
          body = b ?? '';
        },
      };
      await handler?.({ method: 'GET' } as never, res as never, subpath);
      return body;
    };
    try {
      const shop = await call('/debug/syncz?namespace=shop');
      expect(shop).not.toContain('\n');
      const entries = JSON.parse(shop) as Array<{ proxy: string }>;
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((e) => e.proxy.endsWith('.shop'))).toBe(true);
      expect(JSON.parse(await call('/debug/syncz?namespace=nowhere'))).toEqual([]);
      const all = JSON.parse(await call('/debug/syncz')) as Array<{ proxy: string }>;
      expect(all).toEqual(sim.istiod.syncz());
      expect(new Set(all.map((e) => e.proxy.split('.')[1])).size).toBeGreaterThan(1);
    } finally {
      sim.stop();
    }
  });
});
