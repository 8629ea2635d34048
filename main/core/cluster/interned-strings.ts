// One copy of each repeated string among what main keeps. JSON.parse gives every value a string of
// its own: at 50,000 services the cache held 20,000 copies of "networking.istio.io/v1", a copy of
// each timestamp per object, the same name in a Service, its VirtualService, DestinationRule and
// labels. And a key built by concatenation (`${kind}/${namespace}/${name}`) is a rope of pieces
// that a Map keeps as it is: ~200 bytes a key instead of ~100 once flattened.
import { HashedStringMap } from './segmented-map.ts';

/** A flat copy of `s` (a concatenated string is a rope: kept as a Map key it costs twice). */
export function flatString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

export interface StringPool {
  /** The pool's (flat) copy of `s`, the first one seen, or `s` itself when it is too long to pool. */
  intern(s: string): string;
  readonly size: number;
}

/**
 * A pool of strings up to `maxLength` long. It keeps at most `limit` of them, then starts afresh:
 * what was already shared stays shared, and timestamps of long ago do not pile up forever.
 */
export function createStringPool(limit = 400_000, maxLength = 80): StringPool {
  // Split in tables: up to 400,000 strings, and one Map that size copies them all when it grows.
  let pool = new HashedStringMap<string>();
  return {
    intern(s) {
      if (s.length > maxLength) return s;
      const known = pool.get(s);
      if (known !== undefined) return known;
      if (pool.size >= limit) pool = new HashedStringMap();
      // A parsed string is flat already; one built by concatenation is not (a release's id).
      const flat = flatString(s);
      pool.set(flat, flat);
      return flat;
    },
    get size() {
      return pool.size;
    },
  };
}

/** Keys whose values are unique to one object: pooling them would only grow the pool. */
const UNIQUE_VALUES = new Set(['uid', 'resourceVersion']);

/**
 * Replaces, in place, every string value inside `value` (objects and arrays, however deep) by the
 * pool's copy: the result is equal to what it was, only sharing its strings. Frozen objects are
 * left as they are. Returns `value`.
 */
export function internStrings<T>(value: T, pool: StringPool): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = pool.intern(v);
      else if (typeof v === 'object' && v !== null) internStrings(v, pool);
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === 'string') {
      if (!UNIQUE_VALUES.has(key)) record[key] = pool.intern(v);
    } else if (typeof v === 'object' && v !== null) internStrings(v, pool);
  }
  return value;
}
