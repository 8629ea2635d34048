import { describe, expect, it } from 'vitest';
import { deploymentObject } from '../../../main/demo/seed/kube-object-builders.ts';
import { createSeededRandom } from '../../../main/demo/seed/seeded-random.ts';
import { createDeploymentController } from '../../../main/demo/sim/deployment-controller.ts';
import { isPodReady } from '../../../main/demo/sim/replica-set-pods.ts';
import { resolveSimResourceTypes } from '../../../main/demo/sim/sim-resource-types.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';
import { FakeObjectStore } from './sim-fake-store.ts';

const DELAY = 100;

function setup(seed = 7, replicas = 4) {
  const store = new FakeObjectStore();
  const types = resolveSimResourceTypes(store);
  let now = 1_000_000;
  const controller = createDeploymentController({
    store,
    types,
    random: createSeededRandom(seed),
    now: () => now,
    podReadyDelayMs: DELAY,
  });
  store.create(
    deploymentObject(
      'bookinfo',
      'reviews',
      { version: 'v1', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.1', replicas },
      9080,
    ),
  );
  const advance = (ms: number) => {
    now += ms;
    controller.sync();
  };
  const deployment = () => store.get(types.deployment, 'bookinfo', 'reviews-v1') as KubeObject;
  const replicaSets = () => store.list(types.replicaSet, 'bookinfo');
  const pods = () => store.list(types.pod, 'bookinfo');
  const status = () => deployment().status as Record<string, number>;
  const edit = (change: (spec: Record<string, unknown>) => void) => {
    const next = structuredClone(deployment());
    change(next.spec as Record<string, unknown>);
    store.update(next);
  };
  controller.sync();
  return { store, types, controller, advance, deployment, replicaSets, pods, status, edit };
}

describe('deployment controller', () => {
  it('creates a ReplicaSet named after the pod template hash and pending pods named after the ReplicaSet', () => {
    const { replicaSets, pods } = setup();
    const [rs] = replicaSets();
    expect(replicaSets()).toHaveLength(1);
    const hash = rs?.metadata.labels?.['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs?.metadata.name).toBe(`reviews-v1-${hash}`);
    expect(rs?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'reviews-v1',
      controller: true,
    });
    expect(pods()).toHaveLength(4);
    for (const pod of pods()) {
      expect(pod.metadata.name).toMatch(new RegExp(`^reviews-v1-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1', 'pod-template-hash': hash });
      expect((pod.status as { phase: string }).phase).toBe('Pending');
    }
  });

  it('makes pods Running and Ready only after the readiness delay, then reports the rollout complete', () => {
    const { advance, pods, status, deployment } = setup();
    advance(DELAY - 1);
    expect(pods().filter(isPodReady)).toHaveLength(0);
    expect(status().readyReplicas).toBe(0);
    advance(1);
    expect(pods().filter(isPodReady)).toHaveLength(4);
    expect(status()).toMatchObject({
      replicas: 4,
      readyReplicas: 4,
      updatedReplicas: 4,
      availableReplicas: 4,
      observedGeneration: 1,
    });
    const conditions = (
      deployment().status as { conditions: Array<{ type: string; status: string; reason: string }> }
    ).conditions;
    expect(conditions.find((c) => c.type === 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect(conditions.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
  });

  it('gives the same pod names for the same seed and different ones for another seed', () => {
    const names = (seed: number) =>
      setup(seed)
        .pods()
        .map((p) => p.metadata.name)
        .sort();
    expect(names(3)).toEqual(names(3));
    expect(names(3)).not.toEqual(names(4));
  });

  it('adds and removes pods when spec.replicas changes', () => {
    const { advance, pods, status, edit } = setup();
    advance(DELAY);
    edit((spec) => {
      spec.replicas = 6;
    });
    advance(0);
    expect(pods()).toHaveLength(6);
    expect(status().readyReplicas).toBe(4);
    advance(DELAY);
    expect(status()).toMatchObject({ replicas: 6, readyReplicas: 6 });
    edit((spec) => {
      spec.replicas = 2;
    });
    advance(0);
    expect(pods()).toHaveLength(2);
    expect(status()).toMatchObject({ replicas: 2, readyReplicas: 2, observedGeneration: 3 });
  });

  it('rolls a template change out within maxSurge and maxUnavailable and retires the old ReplicaSet', () => {
    const { advance, pods, status, edit, replicaSets, deployment } = setup(7, 4);
    advance(DELAY);
    const oldRs = replicaSets()[0]?.metadata.name;
    edit((spec) => {
      const template = spec.template as { spec: { containers: Array<{ image: string }> } };
      (template.spec.containers[0] as { image: string }).image =
        'docker.io/istio/examples-bookinfo-reviews-v1:1.21.0';
    });
    let steps = 0;
    advance(0);
    while (status().updatedReplicas !== 4 || status().replicas !== 4 || status().readyReplicas !== 4) {
      // 25% of 4: at most one extra pod, at most one missing ready pod.
      expect(pods().length).toBeLessThanOrEqual(5);
      expect(pods().filter(isPodReady).length).toBeGreaterThanOrEqual(3);
      advance(DELAY);
      if (++steps > 50) throw new Error('rollout did not finish');
    }
    expect(steps).toBeGreaterThan(1);
    expect(replicaSets()).toHaveLength(2);
    const byName = new Map(replicaSets().map((rs) => [rs.metadata.name, rs]));
    expect((byName.get(oldRs ?? '')?.spec as { replicas: number } | undefined)?.replicas).toBe(0);
    for (const pod of pods()) expect(pod.metadata.name.startsWith(oldRs ?? '?')).toBe(false);
    expect(deployment().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('writes nothing once the mesh has settled', () => {
    const { advance, store } = setup();
    advance(DELAY);
    const before = store.writes;
    advance(DELAY);
    advance(DELAY);
    expect(store.writes).toBe(before);
  });

  it('sets owner references so that deleting the Deployment collects its ReplicaSets and pods', () => {
    const { advance, store, types, pods, replicaSets } = setup();
    advance(DELAY);
    store.delete(types.deployment, 'bookinfo', 'reviews-v1');
    advance(DELAY);
    expect(replicaSets()).toHaveLength(0);
    expect(pods()).toHaveLength(0);
  });
});
