// Stored objects repeat the same small parts thousands of times at scale: label sets, selectors,
// pod conditions made in the same second, container ports, resources, and above all the FieldsV1
// trees of managedFields (the fields of a container, of a port `k:{"containerPort":8080,…}`, of a
// status). Stored objects are deep-frozen, so one frozen copy of each distinct part can be shared
// by every object that holds it: hash-consing by content, bottom up (a node's key is its own short
// values and its children's ids, so no subtree is serialized twice).

/** Strings up to this length are shared; longer ones are nearly always unique. */
const MAX_SHARED_LENGTH = 40;
/**
 * Past this many distinct strings or nodes a table's young half becomes its old half (the old one
 * dropped), so churn cannot grow it without bound while parts in use (met again since the last
 * turn) stay shared: most of what is stored once (uids, names) is never met again.
 */
const MAX_YOUNG = 50_000;

/** A bounded table in two generations: a hit in the old one is moved to the young one. */
class TwoGenerations<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const older = this.old.get(key);
    if (older !== undefined) this.set(key, older);
    return older;
  }

  set(key: K, value: V): void {
    if (this.young.size >= MAX_YOUNG) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

interface Visited {
  node: unknown;
  /** The shared node's hash (0 or more), or -1 when it is not shared (nor then is its parent). */
  id: number;
}

export class SharedNodes {
  private readonly strings = new TwoGenerations<string, string>();
  /** Shared nodes by the hash of their content (a hit is compared member by member). */
  private readonly nodes = new TwoGenerations<number, object>();

  /**
   * Deep-freezes a value about to be stored, replacing each short string and each part equal to
   * one already stored by the shared copy. Frozen parts (taken from stored objects) are kept as
   * they are. Returns the value to store: the input itself unless the whole of it was shared.
   */
  freeze<T>(value: T): T {
    return this.visit(value).node as T;
  }

  private visit(value: unknown): Visited {
    if (typeof value === 'string')
      return { node: value.length <= MAX_SHARED_LENGTH ? this.share(value) : value, id: -1 };
    if (value === null || typeof value !== 'object') return { node: value, id: -1 };
    const isArray = Array.isArray(value);
    if (isEmptyPlain(value, isArray))
      return { node: isArray ? emptyArray : emptyObject, id: isArray ? 1 : 0 };
    // Frozen parts (taken from stored objects) are hashed again rather than remembered: a table of
    // every stored node's hash would cost more than the sharing saves.
    const frozen = Object.isFrozen(value);
    const record = value as Record<string, unknown>;
    let shareable = isArray || Object.getPrototypeOf(value) === Object.prototype;
    // The content's hash, FNV-1a over each member's key, kind and value (a child by its hash).
    let h = isArray ? 0x811c9dc5 : 0x2b1c9dc7;
    for (const k of Object.keys(record)) {
      const v = record[k];
      const seen = this.visit(v);
      // Always written: a shared string is `===` to the copy it replaces, yet another string in memory.
      if (!frozen) record[k] = seen.node;
      if (!shareable) continue;
      h = mix(h, k);
      if (seen.id >= 0) h = mix(h, `#${seen.id}`);
      else if (typeof v === 'string' && v.length <= MAX_SHARED_LENGTH) h = mix(h, `:${v}`);
      else if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined)
        h = mix(h, `=${typeof v}${String(v)}`);
      else shareable = false;
    }
    if (!frozen) Object.freeze(value);
    if (!shareable) return { node: value, id: -1 };
    const hit = this.nodes.get(h);
    if (hit)
      return hit === value || sameMembers(hit, record) ? { node: hit, id: h } : { node: value, id: -1 };
    this.nodes.set(h, value);
    return { node: value, id: h };
  }

  private share(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    this.strings.set(s, s);
    return s;
  }
}

/** The one `{}` and `[]` every stored object shares (FieldsV1 trees are mostly `{}` leaves). */
const emptyObject = Object.freeze({});
const emptyArray = Object.freeze([]);

function isEmptyPlain(value: object, isArray: boolean): boolean {
  if (isArray) return (value as unknown[]).length === 0 && Object.keys(value).length === 0;
  return Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).length === 0;
}

/** FNV-1a of a string folded into `h`, kept a non-negative 31-bit integer (a small integer in V8). */
function mix(h: number, s: string): number {
  let x = h;
  for (let i = 0; i < s.length; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, 0x01000193);
  }
  x ^= 0xff;
  x = Math.imul(x, 0x01000193);
  // 2 and up: 0 and 1 are the empty object and array.
  return (x & 0x3fffffff) | 2;
}

/** Same members in the same order, each the same value (children are shared, so by identity). */
function sameMembers(a: object, b: Record<string, unknown>): boolean {
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !Object.is(ra[k], b[k])) return false;
  }
  return true;
}
