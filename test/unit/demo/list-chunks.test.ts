import { describe, expect, it } from 'vitest';
import {
  type ChunkItem,
  chunkEnds,
  ListChunkCache,
  type ListChunkOptions,
  listChunks,
} from '../../../main/demo/server/list-chunks.ts';

/** An object version: its JSON names its rv, and its apiVersion when asked for another. */
function item(rv: number, name = `o${rv}`): ChunkItem {
  return { rv, jsonAs: (apiVersion) => JSON.stringify({ apiVersion, name, rv }) };
}

const items = (n: number, first = 1) => Array.from({ length: n }, (_, i) => item(first + i));
const small: ListChunkOptions = { budgetBytes: 1024 * 1024, averageItems: 8, maxItems: 32 };

/** The chunks of a list as runs of resourceVersions. */
function runs(list: readonly ChunkItem[], opts = small): number[][] {
  let from = 0;
  return chunkEnds(list, opts).map((to) => {
    const run = list.slice(from, to).map((x) => x.rv);
    from = to;
    return run;
  });
}

/** The body's items as a client reads them: the pieces joined, inside brackets. */
const body = (pieces: Iterable<Buffer>) => `[${Buffer.concat([...pieces]).toString('utf8')}]`;
const uncached = (list: readonly ChunkItem[], apiVersion: string) =>
  `[${list.map((x) => x.jsonAs(apiVersion)).join(',')}]`;

describe('content-defined chunk boundaries', () => {
  it('cover every item once, in order, each chunk within maxItems', () => {
    const list = items(2000);
    const chunks = runs(list);
    expect(chunks.flat()).toEqual(list.map((x) => x.rv));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(small.maxItems);
    // About one boundary per averageItems (a hash, not a position, decides).
    expect(chunks.length).toBeGreaterThan(2000 / 16);
    expect(chunks.length).toBeLessThan(2000 / 4);
  });

  it('move only next to an inserted, removed or changed item', () => {
    const list = items(2000);
    const before = new Set(runs(list).map((r) => r.join()));
    const changed = [...list];
    changed[1000] = item(999_999); // a patch: a new resourceVersion in the same place
    changed.splice(500, 1); // a delete
    changed.splice(1500, 0, item(888_888)); // a create
    const after = runs(changed);
    const fresh = after.filter((r) => !before.has(r.join()));
    // Each edit touches at most the chunk holding it and one neighbour (or a maxItems run's tail).
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.length).toBeLessThanOrEqual(6);
  });
});

describe('ListChunkCache', () => {
  it('gives the same bytes for the same object versions without making them again', () => {
    const cache = new ListChunkCache(small);
    const list = items(500);
    const a = body(listChunks(cache, list, 'v1'));
    const made = cache.made;
    expect(made).toBe(runs(list).length);
    const b = body(listChunks(cache, list, 'v1'));
    expect(cache.made).toBe(made);
    expect(b).toBe(a);
    expect(a).toBe(uncached(list, 'v1'));
  });

  it('keys chunks by apiVersion too', () => {
    const cache = new ListChunkCache(small);
    const list = items(100);
    body(listChunks(cache, list, 'v1'));
    const made = cache.made;
    expect(body(listChunks(cache, list, 'v1beta1'))).toBe(uncached(list, 'v1beta1'));
    expect(cache.made).toBe(made * 2);
  });

  it('makes again only the chunks holding a changed object, even when first, last and count are unchanged', () => {
    const cache = new ListChunkCache(small);
    const list = items(500);
    body(listChunks(cache, list, 'v1'));
    const made = cache.made;
    // Same rvs at both ends of every chunk: only a middle object changed (as a patch does).
    const chunk = runs(list).find((r) => r.length >= 3) as number[];
    const middle = list.findIndex((x) => x.rv === chunk[1]);
    const patched = [...list];
    patched[middle] = { rv: chunk[1] as number, jsonAs: () => '{"changed":true}' };
    // Same rv means same object version: kept bytes are served (the store never reuses an rv).
    expect(body(listChunks(cache, patched, 'v1'))).toBe(uncached(list, 'v1'));
    patched[middle] = item(777_777);
    expect(body(listChunks(cache, patched, 'v1'))).toBe(uncached(patched, 'v1'));
    const remade = cache.made - made;
    expect(remade).toBeGreaterThanOrEqual(1);
    expect(remade).toBeLessThanOrEqual(2);
  });

  it('drops the least recently used chunks beyond its byte budget', () => {
    const [a, b, c, d] = [1, 2, 3, 4].map((k) => items(100, k * 1000));
    const probe = new ListChunkCache(small);
    body(listChunks(probe, a as ChunkItem[], 'v1'));
    const cache = new ListChunkCache({ ...small, budgetBytes: Math.floor(probe.size * 3.5) });
    for (const list of [a, b, c]) body(listChunks(cache, list as ChunkItem[], 'v1'));
    body(listChunks(cache, a as ChunkItem[], 'v1')); // a used again: now b is the oldest
    body(listChunks(cache, d as ChunkItem[], 'v1'));
    expect(cache.size).toBeLessThanOrEqual(cache.opts.budgetBytes);
    const made = cache.made;
    for (const kept of [a, d, c]) body(listChunks(cache, kept as ChunkItem[], 'v1'));
    expect(cache.made).toBe(made);
    body(listChunks(cache, b as ChunkItem[], 'v1'));
    expect(cache.made).toBeGreaterThan(made);
  });

  it('keeps no chunk larger than the budget, and of one list at most half the budget', () => {
    const tiny = new ListChunkCache({ ...small, budgetBytes: 10 });
    const list = items(5);
    expect(tiny.chunk(list, 0, 5, 'v1').toString()).toBe(`,${uncached(list, 'v1').slice(1, -1)}`);
    expect(tiny.count).toBe(0);

    const cache = new ListChunkCache({ ...small, budgetBytes: 16384 });
    const kept = items(100, 1_000_000);
    body(listChunks(cache, kept, 'v1'));
    const big = items(2000);
    expect(body(listChunks(cache, big, 'v1'))).toBe(uncached(big, 'v1'));
    // The big list (80 KB) kept about half the budget, and the small list's chunks stayed.
    expect(cache.size).toBeLessThanOrEqual(16384);
    const made = cache.made;
    body(listChunks(cache, kept, 'v1'));
    expect(cache.made).toBe(made);
  });
});
