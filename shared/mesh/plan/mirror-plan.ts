// The patch operations of a mirror change on the catch-all route, in the form the route already
// uses: `mirrors` (Istio ≥ 1.18, a list of {destination, percentage}) or the older `mirror` +
// `mirrorPercentage`; a new mirror is written as `mirrors`. Other mirrors (to other hosts) and every
// other field of the route stay.

import type { ServiceRelease } from '../model/index.ts';
import { isPlainObject, ReleaseEditError } from '../model/index.ts';
import { resolveHost } from '../read/index.ts';
import type { PatchWriter } from './patch-writer.ts';
import { setNested } from './patch-writer.ts';
import type { DesiredRelease } from './release-edits.ts';

/** Whether a destination written in the route is one of the release's versions. */
function isReleaseVersion(current: ServiceRelease, d: unknown): boolean {
  if (!isPlainObject(d) || typeof d.host !== 'string') return false;
  const fqdn = resolveHost(d.host, current.namespace);
  return current.versions.some((v) => v.fqdn === fqdn && v.subset === d.subset);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function mirrorOps(
  current: ServiceRelease,
  desired: DesiredRelease,
  b: PatchWriter,
  destinationOf: (version: string) => Record<string, unknown>,
): void {
  const dr = current.defaultRoute;
  if (desired.mirror === undefined || !dr) return;
  const route = b.at(dr.pointer);
  if (!isPlainObject(route)) throw new ReleaseEditError(`no route at ${dr.pointer}`, current.route);
  const want = desired.mirror;
  const target = want ? (destinationOf(want.version).destination as Record<string, unknown>) : undefined;
  // The new target in place of the old one, the old destination's other fields (port) kept.
  const dest = (old: unknown) => {
    const merged: Record<string, unknown> = isPlainObject(old) ? { ...old } : {};
    merged.host = target?.host;
    if (target?.subset !== undefined) merged.subset = target.subset;
    else delete merged.subset;
    if (merged.port === undefined && target?.port !== undefined) merged.port = target.port;
    return merged;
  };
  if (route.mirror !== undefined && isReleaseVersion(current, route.mirror)) {
    if (!want) {
      b.remove(`${dr.pointer}/mirror`);
      for (const k of ['mirrorPercentage', 'mirrorPercent', 'mirror_percent'])
        if (route[k] !== undefined) b.remove(`${dr.pointer}/${k}`);
      return;
    }
    if (!same(route.mirror, dest(route.mirror))) b.replace(`${dr.pointer}/mirror`, dest(route.mirror));
    for (const k of ['mirrorPercent', 'mirror_percent'])
      if (route[k] !== undefined) b.remove(`${dr.pointer}/${k}`);
    setNested(b, dr.pointer, ['mirrorPercentage', 'value'], want.percentage, current.route);
    return;
  }
  const list = Array.isArray(route.mirrors) ? route.mirrors : undefined;
  const mine = (list ?? [])
    .map((m, i) => (isPlainObject(m) && isReleaseVersion(current, m.destination) ? i : -1))
    .filter((i) => i >= 0);
  if (!want) {
    if (list && mine.length === list.length && mine.length > 0) b.remove(`${dr.pointer}/mirrors`);
    else for (const i of [...mine].reverse()) b.remove(`${dr.pointer}/mirrors/${i}`);
    return;
  }
  const value = { destination: target, percentage: { value: want.percentage } };
  const first = mine[0];
  if (!list) b.add(`${dr.pointer}/mirrors`, [value]);
  else if (first === undefined) b.add(`${dr.pointer}/mirrors/-`, value);
  else
    updateMirror(
      b,
      `${dr.pointer}/mirrors/${first}`,
      list[first] as Record<string, unknown>,
      dest,
      want.percentage,
      current,
    );
}

function updateMirror(
  b: PatchWriter,
  at: string,
  old: Record<string, unknown>,
  dest: (old: unknown) => Record<string, unknown>,
  percentage: number,
  current: ServiceRelease,
): void {
  if (!same(old.destination, dest(old.destination))) b.replace(`${at}/destination`, dest(old.destination));
  setNested(b, at, ['percentage', 'value'], percentage, current.route);
}
