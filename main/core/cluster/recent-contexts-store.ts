import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../local-files/atomic-file.ts';
import { readTextIfExists } from '../local-files/set-aside.ts';

export interface RecentContext {
  name: string;
  /** ISO time the operator last opened it. */
  lastUsed: string;
}

export interface RecentContextsStore {
  read(): Promise<RecentContext[]>;
  /** Moves `name` to the front (most recent first), keeping at most `limit`. */
  touch(name: string, at: Date): Promise<RecentContext[]>;
  remove(name: string): Promise<RecentContext[]>;
}

const FILE = 'recent-contexts.json';

function valid(v: unknown): v is RecentContext {
  const r = v as RecentContext;
  return typeof r?.name === 'string' && r.name !== '' && typeof r.lastUsed === 'string';
}

/**
 * The contexts to reopen at start, in a small JSON file in the data dir, written with the one
 * atomic-write helper, so a crash or a full disk never leaves half a file or a stale temp file. A file that
 * cannot be read counts as an empty list: it only saves clicks, losing it costs nothing else.
 */
export function createRecentContextsStore(dataDir: string, limit = 5): RecentContextsStore {
  const path = join(dataDir, FILE);
  let queue: Promise<unknown> = Promise.resolve();

  async function read(): Promise<RecentContext[]> {
    try {
      const doc = JSON.parse((await readTextIfExists(path)) ?? '{}') as { recent?: unknown };
      return Array.isArray(doc.recent) ? doc.recent.filter(valid).slice(0, limit) : [];
    } catch {
      return [];
    }
  }

  async function write(list: RecentContext[]): Promise<void> {
    await ensurePrivateDir(dataDir, false);
    await writeFileAtomic(path, `${JSON.stringify({ version: 1, recent: list }, null, 2)}\n`);
  }

  // Writes are serialized so two quick opens cannot interleave read-modify-write.
  function update(change: (list: RecentContext[]) => RecentContext[]): Promise<RecentContext[]> {
    const next = queue.then(async () => {
      const list = change(await read()).slice(0, limit);
      await write(list);
      return list;
    });
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    read,
    touch: (name, at) =>
      update((list) => [{ name, lastUsed: at.toISOString() }, ...list.filter((r) => r.name !== name)]),
    remove: (name) => update((list) => list.filter((r) => r.name !== name)),
  };
}
