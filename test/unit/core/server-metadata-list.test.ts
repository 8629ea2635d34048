import { describe, expect, it } from 'vitest';
import { comparablePart } from '../../../main/core/apply/inverse-patch.ts';
import { forKubectl } from '../../../main/core/drafts/draft-export.ts';
import { cloneDeploymentForVersion } from '../../../main/core/rollout/deployment-clone.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { SERVER_MANAGED_METADATA } from '../../../shared/mesh/model/index.ts';

// One list of the metadata the API server writes (shared/mesh/model/server-fields.ts): undo's
// comparison, the kubectl export and a new version's Deployment all drop every field of it.

const serverSet = Object.fromEntries(SERVER_MANAGED_METADATA.map((f) => [f, `server-${f}`]));

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'reviews-v1',
    namespace: 'shop',
    labels: { app: 'reviews', version: 'v1' },
    ...serverSet,
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'reviews', version: 'v1' } },
    template: {
      metadata: { labels: { app: 'reviews', version: 'v1' } },
      spec: { containers: [{ name: 'reviews', image: 'reviews:1' }] },
    },
  },
};

describe('the server-managed metadata list, used everywhere', () => {
  it.each([
    ['undo comparison', () => comparablePart(deployment)],
    ['kubectl export', () => forKubectl(deployment)],
    [
      'new version clone',
      () => cloneDeploymentForVersion(deployment, { version: 'v2', image: 'reviews:2', replicas: 1 }),
    ],
  ])('%s drops every server-managed field and keeps the rest', (_what, strip) => {
    const metadata = strip().metadata;
    for (const f of SERVER_MANAGED_METADATA) expect(metadata).not.toHaveProperty(f);
    expect(metadata.namespace).toBe('shop');
  });
});
