import type { KubeObject } from '../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../shared/mesh/model/index.ts';
import type { planRelease } from '../../shared/mesh/plan/index.ts';
import { readReleases } from '../../shared/mesh/read/index.ts';

/** A route destination to a subset of `reviews`, with a weight when given. */
export const dest = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight !== undefined ? { weight } : {}),
});

/** The reviews VirtualService with these http routes, and its DestinationRule with these subsets. */
export function cluster(http: unknown[], subsets = ['v1', 'v2', 'v3'], namespace = 'default'): KubeObject[] {
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace, resourceVersion: '100' },
      spec: { hosts: ['reviews'], http },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace, resourceVersion: '7' },
      spec: { host: 'reviews', subsets: subsets.map((name) => ({ name, labels: { version: name } })) },
    },
  ];
}

/** Applies the plan's steps in order to the objects, as the apply engine would. */
export function apply(objects: KubeObject[], plan: ReturnType<typeof planRelease>): KubeObject[] {
  let out = objects;
  for (const step of plan.steps) {
    out = out.map((o) =>
      o.kind === step.target.kind && o.metadata.name === step.target.name ? applyJsonPatch(o, step.patch) : o,
    );
  }
  return out;
}

/** The one release the objects hold. */
export const release = (objects: KubeObject[]) => readReleases(objects)[0]!;
