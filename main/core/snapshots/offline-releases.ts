// The releases of a snapshot, read as the live session reads them: by the release index, one
// chunk of routes per turn of the event loop, each from the inputs of its routes only. One
// readReleases over a big snapshot's objects held the main process for up to 0.9 s (20,000
// objects) on the first offline `services.list`.

import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { systemClock } from '../cluster/clock.ts';
import type { WatchedKey } from '../cluster/cluster-resources.ts';
import { feedInSlices } from '../cluster/event-loop-turn.ts';
import type { ReadReleases } from '../cluster/release-index.ts';
import { createReleaseIndex } from '../cluster/release-index.ts';
import type { CacheChange } from '../cluster/watch-cache.ts';

/** The cache key of a snapshot object's kind (every kind a snapshot keeps feeds releases). */
const KEYS: Record<string, WatchedKey> = {
  VirtualService: 'virtualservices',
  HTTPRoute: 'httproutes',
  ReferenceGrant: 'referencegrants',
  DestinationRule: 'destinationrules',
  Service: 'services',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Pod: 'pods',
};

/** Each object as the cache would announce it, one at a time. */
function* changesOf(objects: readonly KubeObject[]): Generator<CacheChange> {
  for (const object of objects) {
    const resource = KEYS[object.kind];
    if (resource) yield { resource, type: 'upsert', object };
  }
}

/**
 * Every release of `objects`, the same as `read(objects)` gives, computed in slices with a turn of
 * the event loop between them: objects indexed `budgetMs` at a time (8 ms by default), releases
 * read one chunk of routes at a time.
 */
export async function readReleasesInSlices(
  objects: readonly KubeObject[],
  read: ReadReleases,
  budgetMs?: number,
): Promise<ServiceRelease[]> {
  let listener: ((changes: readonly CacheChange[]) => void) | undefined;
  let fed = false;
  const index = createReleaseIndex({
    cache: {
      get synced() {
        return fed;
      },
      onChange(l) {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
      all: () => [][Symbol.iterator](),
    },
    read,
    clock: systemClock,
  });
  try {
    // Indexed in slices too, a few hundred objects at a time within each: 20,000 objects (5,000
    // services) collected in one slice and then indexed at once held the loop 146 ms.
    await feedInSlices(changesOf(objects), (batch) => listener?.(batch), budgetMs);
    fed = true;
    await index.whenCurrent();
    return index.releases();
  } finally {
    index.dispose();
  }
}
