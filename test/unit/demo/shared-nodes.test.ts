import { describe, expect, it } from 'vitest';
import { MemoryObjectStore } from '../../../main/demo/store/memory-object-store.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';
import { SharedNodes } from '../../../main/demo/store/shared-nodes.ts';

const deployment = (name: string, replicas = 1): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ns', labels: { app: 'web', version: 'v1' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web', version: 'v1' } },
    template: {
      metadata: { labels: { app: 'web', version: 'v1' } },
      spec: {
        containers: [
          {
            name,
            image: 'nginx:1.27',
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            resources: { requests: { cpu: '50m', memory: '64Mi' } },
          },
        ],
      },
    },
  },
});

describe('shared parts of stored objects', () => {
  it('keeps one frozen copy of equal parts, and separate copies of parts that differ', () => {
    const shared = new SharedNodes();
    const a = shared.freeze({
      labels: { app: 'a', n: 1, on: true },
      list: [{ x: 'y' }],
      big: 'z'.repeat(60),
    });
    const b = shared.freeze({
      labels: { app: 'a', n: 1, on: true },
      list: [{ x: 'y' }],
      big: 'z'.repeat(60),
    });
    const c = shared.freeze({ labels: { app: 'a', n: '1', on: true }, list: [{ x: 'y' }, { x: 'y' }] });
    expect(a.labels).toBe(b.labels);
    expect(a.list).toBe(b.list);
    expect(c.labels).not.toBe(a.labels);
    expect(c.labels).toEqual({ app: 'a', n: '1', on: true });
    expect(c.list).toEqual([{ x: 'y' }, { x: 'y' }]);
    expect(c.list[0]).toBe(a.list[0]);
    expect(a).not.toBe(b);
    expect(Object.isFrozen(a) && Object.isFrozen(a.labels) && Object.isFrozen(c.list)).toBe(true);
  });

  it('tells apart objects and arrays with the same members, and members in another order', () => {
    const shared = new SharedNodes();
    const a = shared.freeze({ o: { 0: 'x' }, arr: ['x'], ab: { a: 1, b: 2 }, ba: { b: 2, a: 1 } });
    expect(Array.isArray(a.o)).toBe(false);
    expect(Array.isArray(a.arr)).toBe(true);
    expect(Object.keys(a.ba)).toEqual(['b', 'a']);
    expect(JSON.stringify(a)).toBe('{"o":{"0":"x"},"arr":["x"],"ab":{"a":1,"b":2},"ba":{"b":2,"a":1}}');
  });

  it('shares label sets, container parts and managedFields trees between stored objects', () => {
    const store = new MemoryObjectStore();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
    const a = store.create(deployment('a'), { manager: 'tester' });
    const b = store.create(deployment('b'), { manager: 'tester' });
    type Spec = { template: { spec: { containers: Array<{ ports: unknown; resources: unknown }> } } };
    const ca = (a.spec as Spec).template.spec.containers[0];
    const cb = (b.spec as Spec).template.spec.containers[0];
    expect(a.metadata.labels).toBe(b.metadata.labels);
    expect(ca?.ports).toBe(cb?.ports);
    expect(ca?.resources).toBe(cb?.resources);
    const portFields = (o: KubeObject) =>
      (o.metadata.managedFields as Array<{ fieldsV1: Record<string, Record<string, unknown>> }>)[0]?.fieldsV1[
        'f:spec'
      ]?.['f:selector'];
    expect(portFields(a)).toBeDefined();
    expect(portFields(a)).toBe(portFields(b));
  });

  it('stores, reads back, lists and updates objects field for field as they were written', () => {
    const store = new MemoryObjectStore();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
    const type = store.typeFor('apps/v1', 'Deployment');
    if (!type) throw new Error('no Deployment type');
    for (const name of ['a', 'b', 'c']) store.create(deployment(name), { manager: 'tester' });
    const current = store.get(type, 'ns', 'b') as KubeObject;
    const updated = store.update(
      { ...current, spec: { ...(current.spec as object), replicas: 3 } },
      { manager: 'tester' },
    );
    const written = (name: string, replicas: number) => {
      const { metadata, ...rest } = deployment(name, replicas);
      return { ...rest, metadata: { ...metadata } };
    };
    for (const [name, replicas] of [
      ['a', 1],
      ['b', 3],
      ['c', 1],
    ] as const) {
      const got = store.get(type, 'ns', name) as KubeObject;
      const { metadata: want, ...wantRest } = written(name, replicas);
      const { metadata, ...rest } = got;
      expect(rest).toEqual({ ...wantRest, spec: { ...(wantRest.spec as object), ...strategyDefaults(got) } });
      expect(metadata.labels).toEqual(want.labels);
    }
    expect(updated.metadata.generation).toBe(2);
    expect(
      store.list(type, 'ns').map((o) => [o.metadata.name, (o.spec as { replicas: number }).replicas]),
    ).toEqual([
      ['a', 1],
      ['b', 3],
      ['c', 1],
    ]);
    // The first object is not changed by sharing its parts with the later ones.
    expect(((store.get(type, 'ns', 'a') as KubeObject).spec as { replicas: number }).replicas).toBe(1);
  });
});

/** Defaults the store adds to a Deployment's spec (kept as the store writes them). */
function strategyDefaults(o: KubeObject): Record<string, unknown> {
  const spec = o.spec as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['revisionHistoryLimit', 'progressDeadlineSeconds', 'strategy'])
    if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}
