// Whether a version can take requests now: a share routed to a version with no ready pod fails
// every request sent its way (503 UH). All traffic, a promote and a release plan's next step each
// ask before they write.

import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { ObjectLookup } from './release-views.ts';
import { versionView } from './release-views.ts';

/**
 * Why `version` cannot take requests now ("has no ready pod (0 of 2 ready)"), or undefined when it can, or when
 * this session cannot tell: pods it cannot count (an external host, a Service without a selector,
 * another cluster of the mesh) are not known to be missing. An unknown version is not judged here.
 */
export function noReadyPodReason(
  release: ServiceRelease,
  version: string,
  lookup: ObjectLookup,
): string | undefined {
  const v = release.versions.find((x) => x.name === version);
  if (!v) return undefined;
  const pods = versionView(release, v, lookup);
  if (pods.podsReady > 0 || pods.podsUnknown) return undefined;
  return `has no ready pod (${pods.podsReady} of ${pods.podsTotal} ready)`;
}
