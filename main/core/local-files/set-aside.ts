// Files the app keeps on the laptop (drafts, snapshots) share one way of failing safely: a file that
// cannot be read is renamed `<name>.corrupt-<time>` and reported, never dropped or overwritten, and
// a temp file left by a save that crashed is removed once it is clearly stale.

import { readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from './atomic-file.ts';

export const CORRUPT_MARKER = '.corrupt-';
/** A temp file this old belongs to a save that crashed, not one in flight. */
const STALE_TEMP_MS = 10 * 60_000;

export interface SetAside {
  /** The new name; absent when the file could not be moved. */
  setAsideAs?: string;
  /** Why it could not be moved. */
  error?: string;
}

/** Renames `dir/name` aside as `<name>.corrupt-<time>` (durably). */
export async function setAsideFile(dir: string, name: string, now: Date): Promise<SetAside> {
  const target = `${name}${CORRUPT_MARKER}${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(join(dir, name), join(dir, target));
    await syncDir(dir);
    return { setAsideAs: target };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** `reviews.json.corrupt-2026-…` → `reviews.json`; undefined for a name that was not set aside. */
export function setAsideOriginal(name: string): string | undefined {
  const at = name.indexOf(CORRUPT_MARKER);
  return at < 0 ? undefined : name.slice(0, at);
}

/** The file's text, or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function removeIfStaleTemp(path: string, now: Date): Promise<void> {
  try {
    const s = await stat(path);
    if (now.getTime() - s.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
  } catch {
    // Gone already: another instance cleaned it up or finished its save.
  }
}
