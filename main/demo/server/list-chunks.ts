// Unfiltered list bodies built from cached chunks of consecutive objects' JSON. Chunk boundaries
// are content-defined (an object ends a chunk when a hash of its resourceVersion says so), so a
// write moves no boundary but those next to the written object, and a chunk is found again by the
// resourceVersions it holds: one changed object re-serializes its chunk only, not the list.
// resourceVersions are unique per object version in a store, so (apiVersion, the run of
// resourceVersions) names a chunk's bytes exactly.

/** What a chunk is made of: an object version (its resourceVersion) and its JSON. */
export interface ChunkItem {
  readonly rv: number;
  jsonAs(apiVersion: string): string;
}

export interface ListChunkOptions {
  /** Bytes of chunks kept in all; least recently used chunks are dropped beyond it. */
  budgetBytes: number;
  /** An object ends a chunk with probability 1/averageItems. */
  averageItems: number;
  /** A run without a boundary is cut after this many objects. */
  maxItems: number;
}

export const defaultChunkOptions: ListChunkOptions = {
  budgetBytes: 48 * 1024 * 1024,
  averageItems: 256,
  maxItems: 1024,
};

interface Chunk {
  readonly rvs: Float64Array;
  /** `,` then the items' JSON joined by `,` (the first chunk of a body is sent without the comma). */
  readonly bytes: Buffer;
}

/** A 32-bit mix of a resourceVersion (murmur3's finalizer): consecutive versions spread evenly. */
function mix(rv: number): number {
  let h = (rv ^ (rv / 0x100000000)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Where each chunk of `items` ends (exclusive): after an item whose resourceVersion's hash is a
 * multiple of `averageItems`, or after `maxItems` items without one, and at the end.
 */
export function chunkEnds(items: readonly ChunkItem[], opts: ListChunkOptions): number[] {
  const ends: number[] = [];
  let start = 0;
  for (let i = 0; i < items.length; i++) {
    if (mix((items[i] as ChunkItem).rv) % opts.averageItems === 0 || i + 1 - start >= opts.maxItems) {
      ends.push(i + 1);
      start = i + 1;
    }
  }
  if (start < items.length) ends.push(items.length);
  return ends;
}

/** Chunks of list bodies by content, kept within a byte budget (least recently used dropped first). */
export class ListChunkCache {
  /** By `apiVersion firstRv lastRv count`; Map order is use order, oldest first. */
  private readonly chunks = new Map<string, Chunk>();
  private bytes = 0;
  /** Chunks made (cache misses) since created: what a test or benchmark reads. */
  made = 0;

  constructor(readonly opts: ListChunkOptions = defaultChunkOptions) {}

  /** Bytes of the chunks kept. */
  get size(): number {
    return this.bytes;
  }

  get count(): number {
    return this.chunks.size;
  }

  /**
   * The body bytes of items [from, to): kept ones when the same object versions were chunked
   * before, else made now and kept unless `keep` is false (a list larger than the budget keeps
   * only its first part, so it does not flush every other list's chunks).
   */
  chunk(items: readonly ChunkItem[], from: number, to: number, apiVersion: string, keep = true): Buffer {
    const key = `${apiVersion} ${(items[from] as ChunkItem).rv} ${(items[to - 1] as ChunkItem).rv} ${to - from}`;
    const kept = this.chunks.get(key);
    if (kept && sameRvs(kept.rvs, items, from)) {
      this.chunks.delete(key);
      this.chunks.set(key, kept);
      return kept.bytes;
    }
    this.made++;
    const parts = new Array<string>(to - from);
    const rvs = new Float64Array(to - from);
    for (let i = from; i < to; i++) {
      const item = items[i] as ChunkItem;
      parts[i - from] = item.jsonAs(apiVersion);
      rvs[i - from] = item.rv;
    }
    const bytes = Buffer.from(`,${parts.join(',')}`);
    if (kept) this.drop(key, kept);
    if (keep && bytes.length <= this.opts.budgetBytes) {
      this.chunks.set(key, { rvs, bytes });
      this.bytes += bytes.length;
      this.evict();
    }
    return bytes;
  }

  private drop(key: string, chunk: Chunk): void {
    this.chunks.delete(key);
    this.bytes -= chunk.bytes.length;
  }

  private evict(): void {
    for (const [key, chunk] of this.chunks) {
      if (this.bytes <= this.opts.budgetBytes) return;
      this.drop(key, chunk);
    }
  }
}

function sameRvs(rvs: Float64Array, items: readonly ChunkItem[], from: number): boolean {
  for (let i = 0; i < rvs.length; i++) if (rvs[i] !== (items[from + i] as ChunkItem).rv) return false;
  return true;
}

/** Per store: the chunks of its unfiltered list bodies. */
const caches = new WeakMap<object, ListChunkCache>();

/** The chunk cache of a store's lists, made on first use. */
export function listChunkCacheOf(store: object): ListChunkCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new ListChunkCache();
    caches.set(store, cache);
  }
  return cache;
}

/**
 * The pieces of an unfiltered list body's items, made lazily: each chunk's bytes (the first without
 * its leading comma). Chunks are kept while this list has added at most half the budget.
 */
export function* listChunks(
  cache: ListChunkCache,
  items: readonly ChunkItem[],
  apiVersion: string,
): Generator<Buffer> {
  let from = 0;
  let added = 0;
  for (const to of chunkEnds(items, cache.opts)) {
    const before = cache.made;
    const keep = added <= cache.opts.budgetBytes / 2;
    const bytes = cache.chunk(items, from, to, apiVersion, keep);
    if (cache.made !== before) added += bytes.length;
    yield from === 0 ? bytes.subarray(1) : bytes;
    from = to;
  }
}
