// One small JSON file per release in progress (<dataDir>/releases/<id>.json), written to a temp
// file, fsync'd and renamed over the old one, so a crash leaves the old state or the new, never half.

import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReleaseState } from './release-state.ts';

export interface ReleaseStateStore {
  save(state: ReleaseState): Promise<void>;
  load(id: string): Promise<ReleaseState | undefined>;
  /** Every saved release, and the files that could not be read (with why). */
  list(): Promise<{ releases: ReleaseState[]; unreadable: Array<{ file: string; reason: string }> }>;
  remove(id: string): Promise<void>;
}

const SAFE_ID = /^[a-z0-9][a-z0-9.-]{0,200}$/;

function fileOf(dir: string, id: string): string {
  if (!SAFE_ID.test(id))
    throw new Error(`release id '${id}' may only hold lower-case letters, digits, '.' and '-'`);
  return join(dir, `${id}.json`);
}

export function createReleaseStateStore(dir: string): ReleaseStateStore {
  let seq = 0;
  return {
    async save(state) {
      await mkdir(dir, { recursive: true });
      const file = fileOf(dir, state.id);
      const temp = `${file}.${process.pid}.${++seq}.tmp`;
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    },
    async load(id) {
      try {
        return JSON.parse(await readFile(fileOf(dir, id), 'utf8')) as ReleaseState;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async list() {
      let files: string[];
      try {
        files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { releases: [], unreadable: [] };
        throw err;
      }
      const releases: ReleaseState[] = [];
      const unreadable: Array<{ file: string; reason: string }> = [];
      for (const f of files) {
        try {
          const s = JSON.parse(await readFile(join(dir, f), 'utf8')) as ReleaseState;
          if (typeof s.id !== 'string' || typeof s.phase !== 'string')
            throw new Error('not a release state (id or phase missing)');
          releases.push(s);
        } catch (err) {
          unreadable.push({ file: f, reason: (err as Error).message });
        }
      }
      return { releases, unreadable };
    },
    async remove(id) {
      await rm(fileOf(dir, id), { force: true });
    },
  };
}
