// Objects for the snapshot tests: the demo's seed with ids and versions as a cluster would give them.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedObjects } from '../../../main/demo/seed/seed-objects.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

export const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function tempDir(prefix = 'sy-snap-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The demo's objects with uid, resourceVersion, managedFields and kubectl's annotation, plus a Pod. */
export function clusterObjects(): KubeObject[] {
  const objects = seedObjects({ seed: 1, services: 0 }).map(
    (o, i): KubeObject => ({
      ...o,
      metadata: {
        ...o.metadata,
        uid: `uid-${i}`,
        resourceVersion: String(100 + i),
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
        annotations: { ...o.metadata.annotations, [LAST_APPLIED]: JSON.stringify(o), team: 'books' },
      },
    }),
  );
  objects.push({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'reviews-v1-abc', namespace: 'bookinfo', labels: { app: 'reviews', version: 'v1' } },
  });
  return objects;
}
