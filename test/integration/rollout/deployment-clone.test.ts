// Pure parts of the release workflow (no demo mesh needed): the Deployment clone and the rollout reading.
import { describe, expect, it } from 'vitest';
import { cloneDeploymentForVersion, defaultCloneName } from '../../../main/core/rollout/deployment-clone.ts';
import type { ObjectWatcher, RolloutProgress } from '../../../main/core/rollout/rollout-progress.ts';
import { rolloutProgress, waitForRollout } from '../../../main/core/rollout/rollout-progress.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

function stable(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'reviews-v1',
      namespace: 'bookinfo',
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2025-01-01T00:00:00Z',
      managedFields: [{ manager: 'kubectl' }],
      labels: { app: 'reviews', version: 'v1' },
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        team: 'books',
      },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'reviews', version: 'v1' } },
      template: {
        metadata: { labels: { app: 'reviews', version: 'v1' } },
        spec: {
          containers: [
            { name: 'reviews', image: 'reviews:1.0', ports: [{ containerPort: 9080 }] },
            { name: 'log', image: 'fluent:1' },
          ],
        },
      },
    },
    status: { replicas: 3, readyReplicas: 3 },
  };
}

type Dep = {
  metadata: KubeObject['metadata'];
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: Array<{ name: string; image: string }> };
    };
  };
  status?: unknown;
};

describe('cloning the stable Deployment for a new version', () => {
  it('sets name, image, version label, selector and replicas, and drops every server-set field', () => {
    const c = cloneDeploymentForVersion(stable(), {
      version: 'v3',
      image: 'reviews:3.0',
      replicas: 1,
    }) as unknown as Dep;
    expect(c.metadata.name).toBe('reviews-v3');
    expect(c.metadata.labels).toEqual({ app: 'reviews', version: 'v3' });
    expect(c.metadata.annotations).toEqual({ team: 'books' });
    for (const k of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields'])
      expect(c.metadata).not.toHaveProperty(k);
    expect(c).not.toHaveProperty('status');
    expect(c.spec.replicas).toBe(1);
    expect(c.spec.selector.matchLabels).toEqual({ app: 'reviews', version: 'v3' });
    expect(c.spec.template.metadata.labels).toEqual({ app: 'reviews', version: 'v3' });
    expect(c.spec.template.spec.containers.map((x) => x.image)).toEqual(['reviews:3.0', 'fluent:1']);
  });

  it('adds the version label to a selector that lacked it, so the two Deployments never share pods', () => {
    const s = stable() as unknown as Dep;
    s.spec.selector.matchLabels = { app: 'reviews' };
    const c = cloneDeploymentForVersion(s as unknown as KubeObject, {
      version: 'v3',
      image: 'r:3',
      replicas: 2,
    }) as unknown as Dep;
    expect(c.spec.selector.matchLabels).toEqual({ app: 'reviews', version: 'v3' });
  });

  it('changes the named container and refuses an unknown one by name', () => {
    const c = cloneDeploymentForVersion(stable(), {
      version: 'v3',
      image: 'fluent:2',
      replicas: 1,
      container: 'log',
    }) as unknown as Dep;
    expect(c.spec.template.spec.containers.map((x) => x.image)).toEqual(['reviews:1.0', 'fluent:2']);
    expect(() =>
      cloneDeploymentForVersion(stable(), { version: 'v3', image: 'x', replicas: 1, container: 'nope' }),
    ).toThrow("Deployment bookinfo/reviews-v1 has no container 'nope' (containers: reviews, log)");
  });

  it('refuses a version that is not a DNS label, a negative replica count and the version already running', () => {
    expect(() => cloneDeploymentForVersion(stable(), { version: 'V_3', image: 'x', replicas: 1 })).toThrow(
      /must be a DNS label/,
    );
    expect(() => cloneDeploymentForVersion(stable(), { version: 'v3', image: 'x', replicas: -1 })).toThrow(
      /replicas must be a whole number/,
    );
    expect(() => cloneDeploymentForVersion(stable(), { version: 'v1', image: 'x', replicas: 1 })).toThrow(
      /already runs version 'v1'/,
    );
  });

  it('names the clone after the stable one with the version swapped, or appends the version', () => {
    expect(defaultCloneName('reviews-v1', 'v1', 'v2')).toBe('reviews-v2');
    expect(defaultCloneName('frontend', 'stable', 'canary')).toBe('frontend-canary');
  });
});

function deployment(spec: number, status: Record<string, unknown>, generation = 2): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'reviews-v3', generation },
    spec: { replicas: spec },
    status,
  };
}

describe('rollout progress', () => {
  it('is done only when the controller saw the generation and every replica is updated, ready and available', () => {
    expect(
      rolloutProgress(
        deployment(2, {
          observedGeneration: 1,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        }),
      ).done,
    ).toBe(false);
    expect(
      rolloutProgress(
        deployment(2, {
          observedGeneration: 2,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 1,
          availableReplicas: 1,
        }),
      ).done,
    ).toBe(false);
    expect(
      rolloutProgress(
        deployment(2, {
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        }),
      ).message,
    ).toBe('2 of 2 updated, 2 ready, 1 old pod(s) terminating');
    expect(
      rolloutProgress(
        deployment(2, {
          observedGeneration: 2,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        }),
      ).done,
    ).toBe(true);
  });

  it('streams progress and times out with the reason from the conditions', async () => {
    let push: (o: KubeObject | null) => void = () => {};
    const watcher: ObjectWatcher = {
      watch(_t, cb) {
        push = cb;
        return () => {};
      },
    };
    const seen: RolloutProgress[] = [];
    const wait = waitForRollout(
      watcher,
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'bookinfo', name: 'reviews-v3' },
      { timeoutMs: 100, onProgress: (p) => seen.push(p) },
    );
    push(
      deployment(2, {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 1,
        conditions: [
          {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
        ],
      }),
    );
    await expect(wait).rejects.toThrow(
      'rollout of reviews-v3 did not finish within 0.1 s: 2 of 2 updated, 1 ready; Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.)',
    );
    expect(seen.map((p) => p.ready)).toEqual([1]);
  });

  it('fails at once when the controller reports ProgressDeadlineExceeded', async () => {
    const watcher: ObjectWatcher = {
      watch(_t, cb) {
        cb(
          deployment(1, {
            observedGeneration: 2,
            conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
          }),
        );
        return () => {};
      },
    };
    await expect(
      waitForRollout(
        watcher,
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews-v3' },
        { timeoutMs: 5000 },
      ),
    ).rejects.toThrow(/failed: Progressing=False \(ProgressDeadlineExceeded\)/);
  });
});
