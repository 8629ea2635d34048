// One small JSON file per release in progress (<dataDir>/releases/<id>.json), written with the
// data folder's one atomic-write helper, so a crash or a full disk leaves the old state or the new,
// never half and never a stale temp file.

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../local-files/atomic-file.ts';
import { readTextIfExists } from '../local-files/set-aside.ts';
import type { ReleaseState } from './rollout-state.ts';

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

/**
 * A state saved before the split kept one shape from slider to patch held `split` as a
 * version→percent record; it reads back as the TrafficSplit every other part of the app uses.
 */
export function upgradeState(s: ReleaseState): ReleaseState {
  const split: unknown = s.split;
  if (split === undefined || Array.isArray(split) || typeof split !== 'object' || split === null) return s;
  return {
    ...s,
    split: Object.entries(split as Record<string, unknown>)
      .filter((e): e is [string, number] => typeof e[1] === 'number')
      .map(([version, weight]) => ({ version, weight })),
  };
}

export function createReleaseStateStore(dir: string): ReleaseStateStore {
  return {
    async save(state) {
      const file = fileOf(dir, state.id);
      await ensurePrivateDir(dir);
      await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
    },
    async load(id) {
      const text = await readTextIfExists(fileOf(dir, id));
      return text === undefined ? undefined : upgradeState(JSON.parse(text) as ReleaseState);
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
          const s = JSON.parse((await readTextIfExists(join(dir, f))) ?? 'null') as ReleaseState;
          if (s === null) continue;
          if (typeof s.id !== 'string' || typeof s.phase !== 'string')
            throw new Error('not a release state (id or phase missing)');
          releases.push(upgradeState(s));
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
