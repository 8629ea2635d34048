// The apply engine and the release workflow see the cluster through the session's watch cache:
// "applied" means the cache has the new resourceVersion, and a rollout is followed from the
// Deployment updates the cache receives, with no extra requests.

import type { WatchedKey } from '../cluster/cluster-resources.ts';
import type { WatchCache } from '../cluster/watch-cache.ts';
import type { ObjectTarget } from '../kube-api.ts';
import { splitApiVersion } from '../kube-api.ts';
import type { ObjectWatcher } from '../rollout/rollout-progress.ts';
import type { VerifyFn } from './apply-types.ts';

const keys: Record<string, WatchedKey> = {
  'networking.istio.io/VirtualService': 'virtualservices',
  'networking.istio.io/DestinationRule': 'destinationrules',
  'gateway.networking.k8s.io/HTTPRoute': 'httproutes',
  '/Service': 'services',
  'apps/Deployment': 'deployments',
  'apps/ReplicaSet': 'replicasets',
  '/Pod': 'pods',
};

export function watchedKeyOf(target: Pick<ObjectTarget, 'apiVersion' | 'kind'>): WatchedKey | undefined {
  return keys[`${splitApiVersion(target.apiVersion).group}/${target.kind}`];
}

function refOf(target: ObjectTarget) {
  const resource = watchedKeyOf(target);
  if (!resource)
    throw new Error(
      `${target.kind} (${target.apiVersion}) is not followed by the watch cache, so a change to it cannot be confirmed`,
    );
  return { resource, namespace: target.namespace ?? 'default', name: target.name };
}

export function verifyThroughWatchCache(cache: WatchCache, timeoutMs = 10_000): VerifyFn {
  return async (target, expected) => {
    const ref = refOf(target);
    if ('deleted' in expected) {
      await cache.waitFor(
        (c) => (c.find(ref) ? null : true),
        timeoutMs,
        `${target.kind} ${target.name} to be deleted`,
      );
      return;
    }
    await cache.waitForResourceVersion(ref, expected.resourceVersion, timeoutMs);
  };
}

export function watcherFromWatchCache(cache: WatchCache): ObjectWatcher {
  return {
    watch(target, onObject) {
      const ref = refOf(target);
      const stop = cache.onChange((changes) => {
        for (const c of changes) {
          const m = c.object.metadata;
          if (
            c.resource !== ref.resource ||
            m.name !== ref.name ||
            (m.namespace ?? 'default') !== ref.namespace
          )
            continue;
          onObject(c.type === 'delete' ? null : c.object);
        }
      });
      const now = cache.find(ref);
      if (now) onObject(now);
      return stop;
    },
  };
}
