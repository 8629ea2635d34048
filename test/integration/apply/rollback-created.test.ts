// Rollback of an object the apply created, against the demo mesh whose Deployment controller
// writes a new Deployment's status (bumping its resourceVersion) moments after creation: the
// delete must use the object as it is now, not as it was created, or the Deployment stays behind.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnginePlan } from '../../../main/core/apply/apply-types.ts';
import { KubeRequestError } from '../../../main/core/kube-api.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { Harness } from './demo-harness.ts';
import { startHarness } from './demo-harness.ts';

const who = { context: 'demo-admin', user: 'demo-admin' };
const deploymentRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'bookinfo',
  name: 'reviews-v9',
};
const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};

let h: Harness;
beforeAll(async () => {
  // The pause before the dependent route step gives the controller time to bump the Deployment.
  h = await startHarness({ pauseMs: 600, demo: { requestsPerSecond: 0 } });
});
afterAll(async () => {
  await h?.stop();
});

/** reviews-v1's Deployment, renamed v9: what a new version's create step holds. */
async function newVersionDeployment(): Promise<KubeObject> {
  const v1 = await h.api.get({ ...deploymentRef, name: 'reviews-v1' });
  const labels = { app: 'reviews', version: 'v9' };
  const spec = structuredClone(v1.spec) as {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> } };
  };
  spec.selector.matchLabels = labels;
  spec.template.metadata.labels = labels;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'reviews-v9', namespace: 'bookinfo', labels },
    spec,
  };
}

function planCreatingThenPatching(deployment: KubeObject): EnginePlan {
  return {
    releaseId: 'istio:bookinfo/reviews.bookinfo.svc.cluster.local',
    steps: [
      {
        id: 'create-deployment',
        description: 'create Deployment reviews-v9',
        target: deploymentRef,
        action: 'create',
        object: deployment,
      },
      {
        id: 'label-route',
        description: 'mark the route',
        target: vsRef,
        dependsOn: ['create-deployment'],
        patch: [{ op: 'add', path: '/metadata/labels', value: { 'rollback-test': 'yes' } }],
      },
    ],
  };
}

async function exists(ref: typeof deploymentRef): Promise<boolean> {
  try {
    await h.api.get(ref);
    return true;
  } catch (err) {
    if (err instanceof KubeRequestError && err.status === 404) return false;
    throw err;
  }
}

describe('rollback of a created Deployment', () => {
  it('deletes it although the controller bumped its resourceVersion after creation', async () => {
    const deployments = h.demo.store.typeFor('apps/v1', 'Deployment');
    if (!deployments) throw new Error('the demo does not serve Deployments');
    let createdRv: string | undefined;
    let rvWhenRouteStepStarted: string | undefined;
    const result = await h.engine.apply({
      plan: planCreatingThenPatching(await newVersionDeployment()),
      objects: h.objects(),
      ...who,
      onProgress: (e) => {
        if (e.type === 'step-applied' && e.stepId === 'create-deployment') createdRv = e.resourceVersion;
        if (e.type === 'step-started' && e.stepId === 'label-route') {
          rvWhenRouteStepStarted = h.demo.store.get(deployments, 'bookinfo', 'reviews-v9')?.metadata
            .resourceVersion;
          h.demo.faults.failNext({ verb: 'patch', resource: 'virtualservices', code: 500 });
        }
      },
    });
    // The controller did move the Deployment on: the resourceVersion from creation is stale.
    expect(createdRv).toBeDefined();
    expect(rvWhenRouteStepStarted).toBeDefined();
    expect(rvWhenRouteStepStarted).not.toBe(createdRv);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.steps.map((s) => [s.id, s.state])).toEqual([
      ['create-deployment', 'rolled-back'],
      ['label-route', 'untouched'],
    ]);
    expect(result.error.message).toMatch(/the 1 applied step\(s\) were rolled back/);
    expect(await exists(deploymentRef)).toBe(false);
  });

  it('leaves a Deployment that someone deleted and created again under the same name', async () => {
    const deployment = await newVersionDeployment();
    const result = await h.engine.apply({
      plan: planCreatingThenPatching(deployment),
      objects: h.objects(),
      ...who,
      onProgress: (e) => {
        if (e.type === 'step-started' && e.stepId === 'label-route') {
          const type = h.demo.store.typeFor('apps/v1', 'Deployment');
          if (!type) throw new Error('no Deployments');
          // Another operator replaces it: same name, a new uid.
          h.demo.store.delete(type, 'bookinfo', 'reviews-v9');
          h.demo.store.create(structuredClone(deployment) as never, { manager: 'someone-else' });
          h.demo.faults.failNext({ verb: 'patch', resource: 'virtualservices', code: 500 });
        }
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.steps[0]?.state).toBe('unknown');
    expect(result.steps[0]?.error).toMatch(/deleted and created again by someone else/);
    expect(await exists(deploymentRef)).toBe(true);
  });
});
