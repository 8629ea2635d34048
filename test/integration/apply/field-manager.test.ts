import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MANAGER } from '../../../main/core/kube-api.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { shares } from '../../helpers/shares.ts';
import type { Harness } from './demo-harness.ts';
import { startHarness } from './demo-harness.ts';

// Every write Switchyard makes names it as the field manager, so the cluster's managedFields say
// which fields Switchyard wrote (kubectl, Argo CD and other operators read them).

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};

const managersOf = (o: KubeObject) =>
  (o.metadata.managedFields ?? []).map((m) => ({ manager: m.manager, operation: m.operation }));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ demo: { requestsPerSecond: 0 } });
});
afterAll(async () => {
  await h?.stop();
});

describe('field manager of Switchyard’s writes, as the demo mesh records it', () => {
  it('an applied split (dry-run, then JSON patch) is recorded as an Update by switchyard', async () => {
    expect(FIELD_MANAGER).toBe('switchyard');
    const before = await h.api.get(vsRef);
    expect(managersOf(before)).not.toContainEqual({ manager: 'switchyard', operation: 'Update' });
    const release = h.release();
    const plan = planRelease(release, setSplit(release, shares({ v1: 70, v2: 20, v3: 10 })), h.objects());
    const result = await h.engine.apply({
      plan,
      objects: h.objects(),
      context: 'demo-admin',
      user: 'demo-admin',
    });
    expect(result.ok).toBe(true);
    const after = await h.api.get(vsRef);
    expect(managersOf(after)).toContainEqual({ manager: 'switchyard', operation: 'Update' });
    const entry = after.metadata.managedFields?.find((m) => m.manager === 'switchyard') as
      | { fieldsV1?: unknown }
      | undefined;
    // The fields Switchyard changed (the weights under spec.http) are owned by it.
    expect(JSON.stringify(entry?.fieldsV1)).toContain('f:http');
  });

  it('a created object is recorded as switchyard’s, and a dry-run create records nothing', async () => {
    const obj: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'field-manager-probe', namespace: 'bookinfo' },
      spec: { hosts: ['field-manager-probe'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
    };
    const dry = await h.api.create(obj, { dryRun: true });
    expect(managersOf(dry)).toContainEqual({ manager: 'switchyard', operation: 'Update' });
    await expect(h.api.get({ ...vsRef, name: 'field-manager-probe' })).rejects.toMatchObject({ status: 404 });
    const created = await h.api.create(obj);
    expect(managersOf(created)).toEqual([{ manager: 'switchyard', operation: 'Update' }]);
    const read = await h.api.get({ ...vsRef, name: 'field-manager-probe' });
    expect(managersOf(read)).toEqual([{ manager: 'switchyard', operation: 'Update' }]);
    await h.api.delete({ ...vsRef, name: 'field-manager-probe' });
  });
});
