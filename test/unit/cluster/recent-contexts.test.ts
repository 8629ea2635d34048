import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRecentContextsStore } from '../../../main/core/cluster/recent-contexts-store.ts';

describe('recent contexts', () => {
  it('keeps the most recent first, without duplicates, at most the limit, in the data dir', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sy-recent-')), 'nested');
    const store = createRecentContextsStore(dir, 3);
    for (const [i, name] of ['a', 'b', 'c', 'a', 'd'].entries())
      await store.touch(name, new Date(Date.UTC(2030, 0, 1, 0, i)));
    const list = await store.read();
    expect(list.map((r) => r.name)).toEqual(['d', 'a', 'c']);
    expect(list[1]?.lastUsed).toBe('2030-01-01T00:03:00.000Z');
    expect(JSON.parse(readFileSync(join(dir, 'recent-contexts.json'), 'utf8')).version).toBe(1);
    expect(readdirSync(dir)).toEqual(['recent-contexts.json']);
  });

  it('does not lose an update when two opens write at the same time', async () => {
    const store = createRecentContextsStore(mkdtempSync(join(tmpdir(), 'sy-recent-')));
    await Promise.all([
      store.touch('x', new Date()),
      store.touch('y', new Date()),
      store.touch('z', new Date()),
    ]);
    expect((await store.read()).map((r) => r.name).sort()).toEqual(['x', 'y', 'z']);
  });

  it('treats a corrupt file as an empty list and repairs it on the next write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-recent-'));
    writeFileSync(join(dir, 'recent-contexts.json'), '{"recent": [ {"name": 1}, oops');
    const store = createRecentContextsStore(dir);
    expect(await store.read()).toEqual([]);
    await store.touch('prod', new Date());
    await store.remove('absent');
    expect((await store.read()).map((r) => r.name)).toEqual(['prod']);
  });
});
