import { describe, expect, it } from 'vitest';
import {
  createOfflineViews,
  loadOfflineSnapshot,
  offlineReason,
  offlineSnapshot,
  PODS_UNKNOWN,
} from '../../../main/core/snapshots/offline-views.ts';
import type { Snapshot } from '../../../main/core/snapshots/snapshot-schema.ts';
import { isSnapshotKind, stripForSnapshot } from '../../../main/core/snapshots/snapshot-schema.ts';
import type { SnapshotStore } from '../../../main/core/snapshots/snapshot-store.ts';
import { createReleaseLinter } from '../../../main/core/views/release-views.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import { checkoutServices, crossNamespaceRoute } from '../../helpers/cross-namespace-route.ts';
import { clusterObjects, REVIEWS } from './snapshot-fixtures.ts';

const AT = '2026-03-01T10:00:00.000Z';

function snapshot(capturedAt = AT): Snapshot {
  return {
    schemaVersion: 1,
    contextId: 'kube:prod',
    contextName: 'prod',
    cluster: 'c',
    capturedAt,
    objects: clusterObjects()
      .filter((o) => isSnapshotKind(o.kind))
      .map(stripForSnapshot),
  };
}

const lint = createReleaseLinter(re2Engine());

describe('offline views of a snapshot', () => {
  it('lists every service read-only, as the live list would show them', async () => {
    const offline = offlineSnapshot(snapshot(), lint);
    const services = await offline.services();
    const reviews = services.find((s) => s.releaseId === REVIEWS);
    expect(reviews).toMatchObject({ name: 'reviews', namespace: 'bookinfo', readOnly: true });
    expect(reviews?.versionCount).toBeGreaterThanOrEqual(3);
    expect(services.every((s) => s.readOnly)).toBe(true);
    expect(await offline.services()).toBe(services);
  });

  it('shows a release read-only with its time, versions, weights and no pods', () => {
    const offline = offlineSnapshot(snapshot(), lint);
    const view = offline.view(REVIEWS);
    expect(view.editable).toBe(false);
    expect(view.snapshotAt).toBe(AT);
    expect(view.readOnlyReasons.slice(0, 2)).toEqual([
      `Offline: this is the snapshot taken ${AT}; reconnect to change traffic.`,
      PODS_UNKNOWN,
    ]);
    expect(offlineReason(AT)).toBe(view.readOnlyReasons[0]);
    expect(view.versions.map((v) => v.name)).toEqual(expect.arrayContaining(['v1', 'v2', 'v3']));
    expect(view.versions.reduce((n, v) => n + v.weight, 0)).toBe(100);
    expect(view.versions.every((v) => v.podsTotal === 0)).toBe(true);
    expect(view.versions.find((v) => v.name === 'v1')?.image).toMatch(/reviews/);
    expect(view.lint.some((f) => f.code === 'SY112')).toBe(false);
    expect(offline.view(REVIEWS)).toBe(view);
  });

  it('gives the source objects of a release for a draft, and a clear not-found for an unknown one', () => {
    const offline = offlineSnapshot(snapshot(), lint);
    const kinds = offline.sourceObjects(REVIEWS).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['VirtualService/reviews', 'DestinationRule/reviews']));
    expect(offline.sourceObjects(REVIEWS).every((o) => o.metadata.resourceVersion)).toBe(true);
    expect(() => offline.view('istio:bookinfo/nope.bookinfo.svc.cluster.local')).toThrow(
      /no service .* in the snapshot of 'kube:prod' taken 2026-03-01T10:00:00.000Z/,
    );
  });

  it('reads a snapshot once and again only when a newer one was written', async () => {
    let current = snapshot();
    let loads = 0;
    const store: Pick<SnapshotStore, 'load' | 'header'> = {
      async header() {
        const { objects: _objects, ...header } = current;
        return header;
      },
      async load() {
        loads++;
        return { snapshot: current };
      },
    };
    const views = createOfflineViews({ store, lint });
    const first = await views.get('kube:prod');
    const again = await views.get('kube:prod');
    expect(loads).toBe(1);
    expect(
      first && 'offline' in first && again && 'offline' in again && first.offline === again.offline,
    ).toBe(true);
    current = snapshot('2026-03-01T11:00:00.000Z');
    const newer = await views.get('kube:prod');
    expect(loads).toBe(2);
    expect(newer && 'offline' in newer && newer.offline.capturedAt).toBe('2026-03-01T11:00:00.000Z');
  });
});

describe('ReferenceGrants in a snapshot', () => {
  const route = crossNamespaceRoute(1);
  const canaryVersion = async (header: Partial<Snapshot>) => {
    const offline = await loadOfflineSnapshot(
      {
        ...snapshot(),
        ...header,
        objects: [route, ...checkoutServices()],
      },
      lint,
    );
    return offline.release('gateway-api:shop/checkout').versions.find((v) => v.name === 'canary/checkout-v2');
  };

  it('a snapshot without them (from before, or a user who may not list them) judges no cross-namespace backend', async () => {
    expect(await canaryVersion({})).toMatchObject({ declared: true });
    expect((await canaryVersion({}))?.unroutable).toBeUndefined();
  });

  it('one taken while they were watched judges it, as the live session did', async () => {
    expect(await canaryVersion({ referenceGrants: 'watched' })).toMatchObject({ declared: false });
  });
});
