import type { ServiceRelease, SourceRef } from '../../../shared/mesh/model/index.ts';

// What main keeps of each release it computed: 50,000 of them live as long as the session. The
// readers build them with push(), and V8 gives an array grown from empty room for 17 elements: a
// release's versions, destinations, deployments and hosts (one element each, mostly) cost ~150
// bytes apiece where 24 do. And a version's `source` is a copy of one of the release's `sources`.

/**
 * Replaces, in place, every array inside `value` (however deep) by an exact-size copy; an array or
 * object reached twice stays one (its copy is shared the same way). Frozen objects are left as they
 * are. The result is equal to `value`; returns it (or its copy, when `value` is an array).
 */
export function compactArrays<T>(value: T, seen = new Map<object, unknown>()): T {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known as T;
  if (Array.isArray(value)) {
    const copy = Object.isFrozen(value) ? value : value.slice();
    seen.set(value, copy);
    for (let i = 0; i < copy.length; i++) {
      const v: unknown = copy[i];
      if (typeof v === 'object' && v !== null) {
        const c = compactArrays(v, seen);
        if (c !== v) copy[i] = c;
      }
    }
    return copy as T;
  }
  seen.set(value, value);
  if (Object.isFrozen(value)) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === 'object' && v !== null) {
      const c = compactArrays(v, seen);
      if (c !== v) record[key] = c;
    }
  }
  return value;
}

function sameRef(a: SourceRef, b: SourceRef): boolean {
  const ka = Object.keys(a) as Array<keyof SourceRef>;
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * `release` as main keeps it: each version's `source` is the equal entry of `sources` when there is
 * one (the same object, instead of a copy), and every array is exact-size. Equal to what it was.
 */
export function compactRelease(release: ServiceRelease): ServiceRelease {
  for (const v of release.versions) {
    const source = v.source;
    if (source === undefined || Object.isFrozen(v)) continue;
    const shared = release.sources.find((s) => s !== source && sameRef(s, source));
    if (shared) v.source = shared;
  }
  return compactArrays(release);
}
