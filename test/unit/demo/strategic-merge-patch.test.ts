import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../../main/demo/server/strategic-merge-patch.ts';

const deployment = {
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            args: ['--x'],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
  metadata: { finalizers: ['a'] },
};

describe('strategic merge patch', () => {
  it('merges containers by name instead of replacing the list', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual([
      'app=app:2',
      'sidecar=proxy:1',
    ]);
    expect(out.spec.template.spec.containers[0]?.env).toHaveLength(2);
  });

  it('deletes a list item with $patch: delete and a key with null', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: { replicas: null, template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['app']);
    expect('replicas' in out.spec).toBe(false);
  });

  it('orders merged items by $setElementOrder, as kubectl apply sends it', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                env: [
                  { name: 'C', value: '3' },
                  { name: 'B', $patch: 'delete' },
                ],
                '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }],
              },
            ],
          },
        },
      },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['C', 'A']);
  });

  it('replaces lists without a merge key, and a map under $patch: replace', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'app', args: ['--y'] }] } } },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers[0]?.args).toEqual(['--y']);
    const replaced = applyStrategicMergePatch({ a: { x: 1, y: 2 } }, { a: { $patch: 'replace', z: 3 } });
    expect(replaced).toEqual({ a: { z: 3 } });
  });

  it('unions finalizers and removes values listed under $deleteFromPrimitiveList', () => {
    const added = applyStrategicMergePatch(deployment, {
      metadata: { finalizers: ['b'] },
    }) as typeof deployment;
    expect(added.metadata.finalizers).toEqual(['a', 'b']);
    const removed = applyStrategicMergePatch(added, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
    }) as typeof deployment;
    expect(removed.metadata.finalizers).toEqual(['b']);
  });

  it('keeps only $retainKeys when given', () => {
    expect(
      applyStrategicMergePatch(
        { s: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
        { s: { type: 'Recreate', $retainKeys: ['type'] } },
      ),
    ).toEqual({ s: { type: 'Recreate' } });
  });

  it('leaves its input untouched', () => {
    const before = JSON.stringify(deployment);
    applyStrategicMergePatch(deployment, {
      spec: { replicas: 5, template: { spec: { containers: [{ name: 'app', image: 'x' }] } } },
    });
    expect(JSON.stringify(deployment)).toBe(before);
  });
});
