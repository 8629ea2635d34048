// A user who may list HTTPRoutes but not ReferenceGrants: the session reads releases with
// referenceGrantsUnknown (cross-namespace backends not judged), and so must the preview and the
// all-traffic confirmation, which compile and read the route again from objects holding no grants:
// they showed a working cross-namespace backend as 500.
import { describe, expect, it } from 'vitest';
import { allTrafficShares, planAllTraffic } from '../../../main/core/services/all-traffic-change.ts';
import { previewRelease } from '../../../main/core/services/release-preview.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import type { MeshRequest } from '../../../shared/mesh/evaluate/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { checkoutService, crossNamespaceRoute } from '../../helpers/cross-namespace-route.ts';

const engine = re2Engine();
const svc = checkoutService;
const route = crossNamespaceRoute(1);
// What the session's cache holds: no ReferenceGrants (not listable), though the cluster has one.
const objects = [route, svc('shop', 'checkout-v1', 'v1'), svc('canary', 'checkout-v2', 'v2')];
const requests: MeshRequest[] = Array.from({ length: 100 }, () => ({ path: '/' }));

describe('grants not listable: preview and all-traffic confirmation', () => {
  const [release] = readReleases(objects, { referenceGrantsUnknown: true }).filter(
    (r) => r.flavor === 'gateway-api',
  );

  it('the session reads the cross-namespace version as routable (not judged)', () => {
    expect(release!.versions.find((v) => v.name === 'canary/checkout-v2')?.declared).toBe(true);
  });

  it('the preview of the unchanged split does not claim 500s for it', () => {
    const view = previewRelease({
      release: release!,
      input: {
        split: [
          { version: 'checkout-v1', weight: 50 },
          { version: 'canary/checkout-v2', weight: 50 },
        ],
        rules: [],
      },
      objects,
      engine,
      requests,
      source: 'jsonl',
    });
    expect(view.other.filter((o) => o.outcome.includes('500'))).toEqual([]);
  });

  it("the all-traffic confirmation's 'before' counts the share canary/checkout-v2 gets now", () => {
    const change = planAllTraffic(release!, objects, {
      contextId: 't',
      releaseId: release!.id,
      version: 'checkout-v1',
      rules: 'keep',
      purpose: 'switch',
    });
    const shares = allTrafficShares(release!, change, objects, requests, engine, 'test');
    expect(shares.before.find((v) => v.version === 'canary/checkout-v2')?.share ?? 0).toBeGreaterThan(0);
  });
});
