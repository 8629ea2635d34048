import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  fleetClusterNames,
  fleetClusterObjects,
  fleetVariation,
} from '../../../main/demo/fleet/fleet-seed.ts';
import { fleetKubeconfigYaml } from '../../../main/demo/kubeconfig-writer.ts';
import { seedObjects } from '../../../main/demo/seed/seed-objects.ts';
import { fleetDrifts, matchFleetServices } from '../../../shared/fleet/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

describe('the demo fleet’s clusters', () => {
  it('are named by region, then number, up to 12', () => {
    expect(fleetClusterNames(1)).toEqual(['demo-eu-1']);
    expect(fleetClusterNames(8)).toEqual([
      'demo-eu-1',
      'demo-us-1',
      'demo-ap-1',
      'demo-eu-2',
      'demo-us-2',
      'demo-ap-2',
      'demo-eu-3',
      'demo-us-3',
    ]);
    expect(fleetClusterNames(12).at(-1)).toBe('demo-ap-4');
    expect(() => fleetClusterNames(0)).toThrow('from 1 to 12');
    expect(() => fleetClusterNames(13)).toThrow('from 1 to 12');
  });

  it('start as the seed in the first cluster and as their variation in the others', () => {
    expect(fleetClusterObjects(0, { seed: 1, services: 0 })).toEqual(seedObjects({ seed: 1, services: 0 }));
    expect([0, 1, 2, 3, 4, 7].map((i) => fleetVariation(i).name)).toEqual([
      'seed',
      'reviews-ahead',
      'payment-on-v2',
      'reviews-no-v3',
      'seed',
      'reviews-no-v3',
    ]);
  });

  it('drift from each other exactly as documented, read as the console reads them', () => {
    const names = fleetClusterNames(4);
    const fleet = names.map((cluster, i) => ({
      cluster,
      releases: readReleases(fleetClusterObjects(i, { seed: 1 + i, services: 0 })),
    }));
    const drifts = fleetDrifts(matchFleetServices(fleet));
    const summary = drifts.flatMap((d) =>
      d.items.map((i) => `${d.key} ${i.aspect} ${i.cluster}: ${i.value}`),
    );
    expect(summary).toEqual([
      'bookinfo/reviews.bookinfo.svc.cluster.local versions demo-eu-2: v1, v2',
      'bookinfo/reviews.bookinfo.svc.cluster.local split demo-us-1: v1 50%, v2 40%, v3 10%',
      'bookinfo/reviews.bookinfo.svc.cluster.local split demo-eu-2: v1 80%, v2 20%',
      'bookinfo/reviews.bookinfo.svc.cluster.local rules demo-eu-2: jason-on-v2: headers.end-user exact "jason" → v2',
      'shop/payment.shop.svc.cluster.local split demo-ap-1: v1 0%, v2 100%',
    ]);
  });

  it('share one kubeconfig: a cluster and three users and contexts per cluster, the first admin current', () => {
    const yaml = fleetKubeconfigYaml(
      ['demo-eu-1', 'demo-us-1'].map((cluster, i) => ({
        cluster,
        url: `http://127.0.0.1:${7000 + i}`,
        tokens: { admin: `a${i}`, viewer: `v${i}`, team: `t${i}` },
      })),
    );
    const config = parse(yaml) as {
      clusters: Array<{ name: string; cluster: { server: string } }>;
      users: Array<{ name: string; user: { token: string } }>;
      contexts: Array<{ name: string; context: { cluster: string; user: string; namespace: string } }>;
      'current-context': string;
    };
    expect(config['current-context']).toBe('demo-eu-1-admin');
    expect(config.clusters.map((c) => `${c.name}=${c.cluster.server}`)).toEqual([
      'demo-eu-1=http://127.0.0.1:7000',
      'demo-us-1=http://127.0.0.1:7001',
    ]);
    expect(config.users.map((u) => `${u.name}=${u.user.token}`)).toEqual([
      'demo-eu-1-admin=a0',
      'demo-eu-1-viewer=v0',
      'demo-eu-1-team=t0',
      'demo-us-1-admin=a1',
      'demo-us-1-viewer=v1',
      'demo-us-1-team=t1',
    ]);
    expect(config.contexts.find((c) => c.name === 'demo-us-1-team')?.context).toEqual({
      cluster: 'demo-us-1',
      user: 'demo-us-1-team',
      namespace: 'shop',
    });
  });
});
