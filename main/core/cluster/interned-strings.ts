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
 * left as they are. Returns `value`. Walked with a stack of its own, not by recursion: an object
 * nested thousands of levels deep (a status anyone allowed to may write) must not overflow it.
 */
export function internStrings<T>(value: T, pool: StringPool): T {
  const pending: object[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) pending.push(v);
  };
  visit(value);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (Array.isArray(next)) {
      for (let i = 0; i < next.length; i++) {
        const v: unknown = next[i];
        if (typeof v === 'string') next[i] = pool.intern(v);
        else visit(v);
      }
      continue;
    }
    const record = next as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (typeof v === 'string') {
        if (!UNIQUE_VALUES.has(key)) record[key] = pool.intern(v);
      } else visit(v);
    }
  }
  return value;
}
