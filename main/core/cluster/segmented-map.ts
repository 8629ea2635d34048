// A Map kept as a row of smaller Maps. A V8 Map doubles its table when it fills up, copying every
// entry in one go: the watch cache's 300,000 objects at 50,000 services made one insert take
// 17-46 ms (at 262,144 entries, two such maps), and the string pools and the release index's order
// did the same a little earlier. Here no table ever holds more than `segmentSize` entries, so a
// growth copies at most that many. The segments are big (131,072): a lookup tries them newest
// first, and the string pools, which look up every string of every object and mostly miss, are
// split by a hash of the key instead (`HashedStringMap`: one table to try, order not kept).
//
// Same behaviour as a Map for what the cache needs: insertion order (an update keeps its place, a
// key deleted and set again goes last), get/has/set/delete/size. Iterating visits the segments that existed when it
// began (a Map would also visit entries added after); segments are tidied (an empty one dropped,
// two small neighbours merged, in order) only while nothing iterates.

export class SegmentedMap<K, V> implements Iterable<[K, V]> {
  readonly #segmentSize: number;
  #segments: Array<Map<K, V>> = [new Map()];
  #size = 0;
  #iterating = 0;

  constructor(segmentSize = 131_072) {
    this.#segmentSize = Math.max(2, segmentSize);
  }

  get size(): number {
    return this.#size;
  }

  /** How many Maps hold the entries (for tests). */
  get segmentCount(): number {
    return this.#segments.length;
  }

  /** The most entries one of them holds (for tests). */
  get largestSegment(): number {
    let most = 0;
    for (const s of this.#segments) most = Math.max(most, s.size);
    return most;
  }

  #find(key: K): number {
    const segments = this.#segments;
    for (let i = segments.length - 1; i >= 0; i--) if ((segments[i] as Map<K, V>).has(key)) return i;
    return -1;
  }

  get(key: K): V | undefined {
    const segments = this.#segments;
    for (let i = segments.length - 1; i >= 0; i--) {
      const value = (segments[i] as Map<K, V>).get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(key: K): boolean {
    return this.#find(key) >= 0;
  }

  set(key: K, value: V): this {
    const at = this.#find(key);
    if (at >= 0) {
      (this.#segments[at] as Map<K, V>).set(key, value);
      return this;
    }
    let last = this.#segments[this.#segments.length - 1] as Map<K, V>;
    if (last.size >= this.#segmentSize) {
      last = new Map();
      this.#segments.push(last);
    }
    last.set(key, value);
    this.#size++;
    return this;
  }

  delete(key: K): boolean {
    const at = this.#find(key);
    if (at < 0) return false;
    (this.#segments[at] as Map<K, V>).delete(key);
    this.#size--;
    if (this.#iterating === 0) this.#tidy(at);
    return true;
  }

  clear(): void {
    this.#segments = [new Map()];
    this.#size = 0;
  }

  /** Drops segment `at` once empty, or merges it with a neighbour when both are under a quarter full. */
  #tidy(at: number) {
    const segments = this.#segments;
    if (segments.length === 1) return;
    const segment = segments[at] as Map<K, V>;
    if (segment.size === 0) {
      segments.splice(at, 1);
      return;
    }
    const small = this.#segmentSize / 4;
    if (segment.size > small) return;
    const isSmall = (i: number) => i >= 0 && i < segments.length && (segments[i] as Map<K, V>).size <= small;
    const other = isSmall(at + 1) ? at + 1 : isSmall(at - 1) ? at - 1 : -1;
    if (other < 0) return;
    const first = Math.min(at, other);
    const merged = new Map(segments[first]);
    for (const [k, v] of segments[first + 1] as Map<K, V>) merged.set(k, v);
    segments.splice(first, 2, merged);
  }

  /**
   * Walks the segments with their own iterators (no generator: a generator resumed per entry made
   * a walk of 300,000 entries 5-7 times slower than a Map's).
   */
  #walk<T>(of: (segment: Map<K, V>) => Iterator<T>): IterableIterator<T> {
    const segments = [...this.#segments];
    let at = 0;
    let current: Iterator<T> | undefined = of(segments[0] as Map<K, V>);
    let open = true;
    this.#iterating++;
    const close = () => {
      if (open) {
        open = false;
        this.#iterating--;
      }
    };
    const walk: IterableIterator<T> = {
      next(): IteratorResult<T> {
        while (current) {
          const step = current.next();
          if (!step.done) return step;
          at++;
          current = at < segments.length ? of(segments[at] as Map<K, V>) : undefined;
        }
        close();
        return { done: true, value: undefined };
      },
      return(): IteratorResult<T> {
        current = undefined;
        close();
        return { done: true, value: undefined };
      },
      [Symbol.iterator]: () => walk,
    };
    return walk;
  }

  entries(): IterableIterator<[K, V]> {
    return this.#walk((segment) => segment.entries());
  }

  keys(): IterableIterator<K> {
    return this.#walk((segment) => segment.keys());
  }

  values(): IterableIterator<V> {
    return this.#walk((segment) => segment.values());
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}

/** A string-keyed map split over `2^bits` tables by a hash of the key: one table per lookup, no order. */
export class HashedStringMap<V> {
  readonly #tables: Array<Map<string, V>>;
  readonly #mask: number;
  #size = 0;

  constructor(bits = 4) {
    this.#tables = Array.from({ length: 1 << bits }, () => new Map());
    this.#mask = (1 << bits) - 1;
  }

  /** A few characters of the key: ids, names and timestamps differ at their end. */
  #table(key: string): Map<string, V> {
    const n = key.length;
    const h =
      n === 0
        ? 0
        : n + key.charCodeAt(n - 1) * 31 + key.charCodeAt(n >> 1) * 7 + key.charCodeAt(Math.max(n - 2, 0));
    return this.#tables[h & this.#mask] as Map<string, V>;
  }

  get size(): number {
    return this.#size;
  }

  /** The most entries one table holds (for tests). */
  get largestTable(): number {
    let most = 0;
    for (const t of this.#tables) most = Math.max(most, t.size);
    return most;
  }

  get(key: string): V | undefined {
    return this.#table(key).get(key);
  }

  set(key: string, value: V): this {
    const table = this.#table(key);
    const before = table.size;
    table.set(key, value);
    this.#size += table.size - before;
    return this;
  }
}
