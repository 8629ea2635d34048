// Traffic mirroring as a release step: copies of N% of the catch-all route's requests go to a
// version (Istio `mirrors[].percentage`, or the older `mirror` + `mirrorPercentage`). Envoy sends a
// copy fire-and-forget, discards its answer and suffixes the Host/authority with `-shadow`, so the
// mirrored version is exercised by real requests while clients only ever see the split's answers.

import type { MirrorTarget, ServiceRelease } from '../model/index.ts';
import { ReleaseEditError } from '../model/index.ts';
import { beginCatchAllEdit } from './catch-all-edit.ts';
import type { DesiredMirror, DesiredRelease } from './release-edits.ts';

type Input = ServiceRelease | DesiredRelease;

/** The catch-all route's mirror to one of the release's versions, as the cluster has it. */
export function catchAllMirror(release: ServiceRelease): MirrorTarget | undefined {
  const index = release.defaultRoute?.index;
  return release.mirrors.find((m) => m.routeIndex === index && m.version !== undefined);
}

/** The mirror the desired release ends with: the edit's, else the cluster's. */
export function effectiveMirror(d: DesiredRelease): DesiredMirror | null {
  if (d.mirror !== undefined) return d.mirror;
  const m = catchAllMirror(d.release);
  return m?.version !== undefined ? { version: m.version, percentage: m.percentage } : null;
}

/** Whether a percentage is one Istio takes and the console writes: 0–100, at most one decimal. */
export function validMirrorPercentage(p: number): boolean {
  return Number.isFinite(p) && p >= 0 && p <= 100 && Math.abs(p * 10 - Math.round(p * 10)) < 1e-9;
}

/** Mirrors `percentage`% of the catch-all route's requests to `version`, in the form the route uses. */
export function setMirror(x: Input, mirror: DesiredMirror): DesiredRelease {
  const d = beginCatchAllEdit(x, 'mirroring');
  const field = `spec.http[${d.release.defaultRoute!.index}].mirrors`;
  if (!validMirrorPercentage(mirror.percentage)) {
    throw new ReleaseEditError(
      `mirror percentage must be from 0 to 100 with at most one decimal, got ${mirror.percentage}`,
      d.release.route,
      field,
    );
  }
  const known = [
    ...d.release.versions.filter((v) => v.declared).map((v) => v.name),
    ...d.addedVersions.map((v) => v.name),
  ].filter((n) => !d.removedVersions.includes(n));
  if (!known.includes(mirror.version)) {
    throw new ReleaseEditError(
      `cannot mirror to '${mirror.version}': not a declared version (known: ${known.join(', ') || 'none'})`,
      d.release.route,
      field,
    );
  }
  d.mirror = { version: mirror.version, percentage: Math.round(mirror.percentage * 10) / 10 };
  return d;
}

/** Stops mirroring the catch-all route's requests to the release's versions. */
export function clearMirror(x: Input): DesiredRelease {
  const d = beginCatchAllEdit(x, 'mirroring');
  d.mirror = null;
  return d;
}
