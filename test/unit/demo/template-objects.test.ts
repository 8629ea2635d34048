import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedServiceObjects } from '../../../main/demo/seed/generated-services.ts';
import { namespaceObject } from '../../../main/demo/seed/kube-object-builders.ts';
import { createSeededRandom } from '../../../main/demo/seed/seeded-random.ts';
import { createDeploymentController } from '../../../main/demo/sim/deployment-controller.ts';
import { generatedFiller } from '../../../main/demo/sim/generated-filler.ts';
import { resolveSimResourceTypes } from '../../../main/demo/sim/sim-resource-types.ts';
import { parseLabelSelector } from '../../../main/demo/store/label-selector.ts';
import { MemoryObjectStore } from '../../../main/demo/store/memory-object-store.ts';
import type { KubeObject, ResourceType } from '../../../main/demo/store/object-store.ts';

const COUNT = 250;
const ips = Array.from({ length: COUNT }, (_, i) => `10.96.${Math.floor(i / 250)}.${(i % 250) + 2}`);
const filler = generatedFiller({ seed: 1, clusterIps: ips });
const AT = Date.parse('2026-01-02T03:04:05Z');

/** A store with the generated filler as templates; `materialised`: every one a stored object. */
function storeWith(materialised: boolean): MemoryObjectStore {
  const store = new MemoryObjectStore();
  for (let i = 0; i < COUNT; i += 100)
    store.create(namespaceObject(`gen-${i / 100}`, true), { manager: 'm' });
  store.loadTemplates(filler, { at: AT, uidPrefix: '5a5a5a5a' });
  if (materialised) store.materialiseAll();
  return store;
}

function typeOf(store: MemoryObjectStore, apiVersion: string, kind: string): ResourceType {
  const t = store.typeFor(apiVersion, kind);
  if (!t) throw new Error(`no type ${kind}`);
  return t;
}

const kinds: Array<[string, string]> = [
  ['v1', 'Service'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['v1', 'Pod'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['networking.istio.io/v1beta1', 'VirtualService'],
];

/** Everything a client can see of the store: each kind's list (as JSON) and the resourceVersion. */
function observed(store: MemoryObjectStore, namespace?: string): string {
  const lists = kinds.map(([v, k]) => store.entries(typeOf(store, v, k), namespace).map((e) => e.jsonAs(v)));
  return JSON.stringify({ rv: store.resourceVersion, lists });
}

describe('generated filler served from templates', () => {
  it('is what creating the services and settling them with the controller stores, but for ids, versions, times and pod names', () => {
    const real = new MemoryObjectStore();
    for (const obj of generatedServiceObjects(
      3,
      (() => {
        let i = 0;
        return () => ips[i++] as string;
      })(),
    ))
      real.create(obj, { manager: 'switchyard-demo' });
    const types = resolveSimResourceTypes(real);
    let clock = AT;
    const controller = createDeploymentController({
      store: real,
      types,
      random: createSeededRandom(2).fork('x'),
      now: () => clock,
      podReadyDelayMs: 0,
    });
    controller.markAll();
    for (let r = 0; r < 5; r++) {
      const due = controller.sync();
      if (due === undefined) break;
      clock += due + 1;
    }
    const templated = storeWith(false);
    const scrub = (json: string) =>
      json
        .replace(/"(uid|resourceVersion|podIP|containerID|imageID)":"[^"]*"/g, '"$1":"x"')
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'T')
        .replace(/(svc-\d{4}-v1-[a-z0-9]+)-[a-z0-9]{5}/g, '$1-POD');
    for (const [v, k] of kinds) {
      const t = typeOf(real, v, k);
      const want = real.entries(t, 'gen-0').map((e) => scrub(e.json()));
      const got = templated
        .entries(t, 'gen-0')
        .slice(0, 3)
        .map((e) => scrub(e.json()));
      expect(got).toEqual(want);
    }
  });

  it('reads, lists, pages and selects exactly as the same objects stored', () => {
    const a = storeWith(false);
    const b = storeWith(true);
    expect(a.templateCount).toBe(COUNT);
    expect(b.templateCount).toBe(0);
    expect(observed(a)).toBe(observed(b));
    expect(observed(a, 'gen-1')).toBe(observed(b, 'gen-1'));
    const pod = typeOf(a, 'v1', 'Pod');
    const first = a.entries(pod, 'gen-2')[7];
    expect(first && a.getEntry(pod, 'gen-2', first.key().split('/')[1] as string)?.json()).toBe(
      first?.json(),
    );
    const select = parseLabelSelector('app in (svc-0003,svc-0204)');
    const picked = (s: MemoryObjectStore) =>
      s
        .list(pod)
        .filter((o) => select?.(o.metadata.labels))
        .map((o) => o.metadata.name);
    expect(picked(a)).toHaveLength(2);
    expect(picked(a)).toEqual(picked(b));
    // uids are stable across reads, and a ReplicaSet's owner is its Deployment's uid.
    const dep = a.get(typeOf(a, 'apps/v1', 'Deployment'), 'gen-0', 'svc-0005-v1') as KubeObject;
    expect(a.get(typeOf(a, 'apps/v1', 'Deployment'), 'gen-0', 'svc-0005-v1')?.metadata.uid).toBe(
      dep.metadata.uid,
    );
    const rs = a.list(typeOf(a, 'apps/v1', 'ReplicaSet'), 'gen-0')[5] as KubeObject;
    expect(rs.metadata.ownerReferences?.[0]?.uid).toBe(dep.metadata.uid);
    // Its events are compacted: a watch from before the filler's last version gets 410.
    expect(a.eventsSince(a.resourceVersion - 1)).toBe('expired');
    expect(a.eventsSince(a.resourceVersion)).toEqual([]);
  });

  it('shares the entries of unwritten objects between lists made before and after a write', () => {
    const a = storeWith(false);
    const vs = typeOf(a, 'networking.istio.io/v1', 'VirtualService');
    const before = a.entries(vs);
    const written = before[10] as (typeof before)[number];
    a.update({ ...written.obj, metadata: { ...written.obj.metadata, labels: { x: 'y' } } });
    const after = a.entries(vs);
    expect(after).not.toBe(before);
    expect(after).toHaveLength(before.length);
    // A list after a write makes no new entry for the objects it did not touch (50,000 at scale).
    expect(after.filter((e, i) => e !== before[i]).map((e) => e.key())).toEqual([written.key()]);
    // One namespace's list shares them too (gen-0's 100 objects come first in key order).
    expect(a.entries(vs, 'gen-1')[3]).toBe(after[103]);
  });

  it('refuses a create over a template object (AlreadyExists)', () => {
    const a = storeWith(false);
    expect(() =>
      a.create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'svc-0001', namespace: 'gen-0' },
        spec: {},
      }),
    ).toThrow(/already exists/);
  });

  it('behaves as ordinary stored objects under any sequence of writes (property)', () => {
    const svc = fc.integer({ min: 0, max: COUNT - 1 });
    const op = fc.oneof(
      fc.record({ op: fc.constant('scale' as const), i: svc, replicas: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ op: fc.constant('label' as const), i: svc, kind: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ op: fc.constant('delete' as const), i: svc, kind: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ op: fc.constant('deleteNamespace' as const), i: svc }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const a = storeWith(false);
        const b = storeWith(true);
        const results: string[][] = [[], []];
        [a, b].forEach((s, which) => {
          for (const o of ops) {
            const ns = `gen-${Math.floor(o.i / 100)}`;
            const [v, k] = kinds[o.op === 'scale' ? 1 : 'kind' in o ? o.kind : 0] as [string, string];
            const t = typeOf(s, v, k);
            const name =
              s
                .entries(t, ns)
                .find((e) => e.key().startsWith(`${ns}/svc-${String(o.i).padStart(4, '0')}`))
                ?.key()
                .split('/')[1] ?? 'gone';
            try {
              if (o.op === 'deleteNamespace') s.delete(typeOf(s, 'v1', 'Namespace'), undefined, ns);
              else if (o.op === 'delete') s.delete(t, ns, name);
              else {
                const cur = s.get(t, ns, name);
                if (!cur) throw new Error('missing');
                const next =
                  o.op === 'scale'
                    ? { ...cur, spec: { ...(cur.spec as object), replicas: o.replicas } }
                    : {
                        ...cur,
                        metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, touched: 'yes' } },
                      };
                results[which]?.push(JSON.stringify(s.update(next, { manager: 'kubectl' })));
              }
            } catch (err) {
              results[which]?.push(String(err));
            }
          }
          results[which]?.push(observed(s), JSON.stringify(s.eventsSince(s.resourceVersion - 3)));
        });
        // Writes stamp the current second, which may turn between the two stores' runs.
        const timeless = (r: string[] | undefined) =>
          r?.map((x) => x.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'T'));
        expect(timeless(results[0])).toEqual(timeless(results[1]));
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});

describe('forEach over a store with generated filler', () => {
  it('visits what list returns, in the same order, for every kind, served from templates or materialised', () => {
    for (const materialised of [false, true]) {
      const store = storeWith(materialised);
      for (const [v, k] of kinds) {
        const type = typeOf(store, v, k);
        const visited: KubeObject[] = [];
        store.forEach(type, (obj) => visited.push(obj));
        expect(visited.length).toBeGreaterThan(0);
        expect(visited).toEqual(store.list(type));
      }
    }
  });
});
