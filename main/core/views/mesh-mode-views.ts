import type { LintFindingView } from '../../../shared/api/console-schemas.ts';
import {
  type LintFinding,
  lintMeshModes,
  type MeshModeFacts,
  meshHostsClaimedBy,
} from '../../../shared/mesh/lint/index.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { ObjectLookup } from './release-views.ts';

// The mixed and ambient mesh findings (SY170–SY174) of one release's route, read against every
// route the session knows: a VirtualService elsewhere routing the same host is what makes a mix.
// Namespace labels are not watched: the live view reads its namespace's labels once in a while
// (services/namespace-labels.ts); without them, ambient is known from the pods istio-cni enrolled
// and waypoints from the Services' istio.io/use-waypoint label.

/** What the mesh-mode lint can learn from the watch cache. */
export function meshModeFacts(lookup: ObjectLookup): MeshModeFacts {
  return {
    ...(lookup.namespaceLabels ? { namespaceLabels: (ns: string) => lookup.namespaceLabels?.(ns) } : {}),
    service: (namespace, name) => lookup.find('Service', namespace, name),
    pods: (namespace) => lookup.pods(namespace),
  };
}

export function meshModeFindings(release: ServiceRelease, lookup: ObjectLookup): LintFindingView[] {
  const route = release.route;
  const own = lookup.find(route.kind, route.namespace, route.name);
  if (!own) return [];
  // Only a route claiming one of this route's hosts can make a mix with it (SY170 names exactly
  // those): the others are left out before the lint, which at 50,000 routes took ~220 ms a view.
  const ownHosts = new Set(meshHostsClaimedBy(own));
  const others =
    ownHosts.size === 0
      ? []
      : (lookup.routesClaiming?.(ownHosts) ?? lookup.routes?.() ?? []).filter(
          (o) =>
            !(
              o.kind === own.kind &&
              o.metadata.name === own.metadata.name &&
              o.metadata.namespace === own.metadata.namespace
            ) && meshHostsClaimedBy(o).some((h) => ownHosts.has(h)),
        );
  const objects: KubeObject[] = [own, ...others];
  return lintMeshModes(objects, meshModeFacts(lookup), 0).map(findingView);
}

/** A lint finding as a release view shows it. */
export function findingView(f: LintFinding): LintFindingView {
  return {
    code: f.code,
    severity: f.severity,
    object: f.object,
    path: f.path,
    message: f.message,
    hint: f.hint,
  };
}
