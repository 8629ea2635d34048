import { describe, expect, it } from 'vitest';
import { objectsLookup } from '../../../main/core/drafts/draft-views.ts';
import { podsOfVersion } from '../../../main/core/services/version-pods.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

// A route in `shop` sends to reviews in `bookinfo`, whose Service (and pods) this lookup does not
// hold (a session watching shop only). shop's own version=v1 pods are not reviews v1's: the count
// is unknown, not theirs.
const pod = (name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('pods of a version whose host is in a namespace out of view', () => {
  it('are unknown, not the release namespace’s pods with the same labels', () => {
    const lookup = objectsLookup([pod('cart-v1', { app: 'cart', version: 'v1' })]);
    const v1 = { fqdn: 'reviews.bookinfo.svc.cluster.local', labels: { version: 'v1' } };
    expect(podsOfVersion(v1, 'shop', lookup)).toBeNull();
  });
});
