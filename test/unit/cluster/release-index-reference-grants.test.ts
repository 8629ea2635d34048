// The release index reads an HTTPRoute's release with the ReferenceGrants of the namespaces it
// sends to, and reads it again when such a grant comes, changes or goes: a backend in another
// namespace takes traffic exactly while a grant there permits it.
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedKey } from '../../../main/core/cluster/cluster-resources.ts';
import { createReleaseIndex } from '../../../main/core/cluster/release-index.ts';
import type { CacheChange } from '../../../main/core/cluster/watch-cache.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const meta = (name: string, namespace: string, uid: string) => ({
  name,
  namespace,
  uid,
  resourceVersion: '1',
});
const route: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: meta('checkout', 'shop', 'hr'),
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'checkout', port: 80 }],
    rules: [
      {
        backendRefs: [
          { name: 'checkout-v1', port: 80, weight: 1 },
          { name: 'checkout-v2', namespace: 'canary', port: 80, weight: 0 },
        ],
      },
    ],
  },
};
const service = (namespace: string, name: string, uid: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(name, namespace, uid),
  spec: { selector: { app: 'checkout', version: name.slice(-2) }, ports: [{ port: 80 }] },
});
const grant = (to: Record<string, unknown>, namespace = 'canary'): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1beta1',
  kind: 'ReferenceGrant',
  metadata: meta('from-shop', namespace, `grant-${namespace}`),
  spec: {
    from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }],
    to: [{ group: '', kind: 'Service', ...to }],
  },
});

function setup() {
  const objects = new Map<string, [WatchedKey, KubeObject]>([
    ['hr', ['httproutes', route]],
    ['s1', ['services', service('shop', 'checkout-v1', 's1')]],
    ['s2', ['services', service('canary', 'checkout-v2', 's2')]],
  ]);
  const listeners = new Set<(c: readonly CacheChange[]) => void>();
  const cache = {
    onChange(l: (c: readonly CacheChange[]) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    *all() {
      for (const [, o] of objects.values()) yield o;
    },
  };
  const clock = createManualClock();
  const inputs: string[][] = [];
  const index = createReleaseIndex({
    cache,
    clock,
    read: (os) => {
      inputs.push(os.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
      return readReleases(os);
    },
  });
  clock.advance(100);
  const put = (o: KubeObject) => {
    const uid = o.metadata.uid!;
    const previous = objects.get(uid)?.[1];
    objects.set(uid, ['referencegrants', o]);
    for (const l of listeners)
      l([{ resource: 'referencegrants', type: 'upsert', object: o, ...(previous ? { previous } : {}) }]);
    clock.advance(100);
  };
  const drop = (uid: string) => {
    const [resource, o] = objects.get(uid)!;
    objects.delete(uid);
    for (const l of listeners) l([{ resource, type: 'delete', object: o, previous: o }]);
    clock.advance(100);
  };
  const canary = () =>
    index
      .releases()
      .find((r) => r.flavor === 'gateway-api')
      ?.versions.find((v) => v.name === 'canary/checkout-v2');
  return { index, inputs, put, drop, canary };
}

describe('the release index and ReferenceGrants', () => {
  it('reads the route again as a grant in the namespace it sends to comes, changes and goes', () => {
    const { inputs, put, drop, canary } = setup();
    expect(canary()?.declared).toBe(false);

    put(grant({}));
    expect(canary()?.declared).toBe(true);
    // The grant is one of the route's inputs, so the release is read with it.
    expect(inputs.at(-1)).toContain('ReferenceGrant/canary/from-shop');

    put(grant({ name: 'checkout-v3' }));
    expect(canary()?.declared).toBe(false);

    put(grant({ name: 'checkout-v2' }));
    expect(canary()?.declared).toBe(true);

    drop('grant-canary');
    expect(canary()?.declared).toBe(false);
  });

  it('does not hand a route the grants of namespaces it does not send to', () => {
    const { inputs, put, canary } = setup();
    put(grant({}, 'elsewhere'));
    expect(canary()?.declared).toBe(false);
    expect(inputs.flat()).not.toContain('ReferenceGrant/elsewhere/from-shop');
  });
});
