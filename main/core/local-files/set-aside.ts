// Files the app keeps on the laptop (drafts, snapshots, settings) share one way of failing safely:
// a file that cannot be read (bad content, or an entry of the wrong kind such as a folder or a FIFO
// under a file's name) is renamed `<name>.corrupt-<time>` and reported, never dropped or
// overwritten; a file made by a newer Switchyard is left exactly where it is and reported; and a
// temp file left by a save that crashed is removed once it is clearly stale.

import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from './atomic-file.ts';
import { LocalFileError, MiB, readBoundedText } from './bounded-read.ts';

export const CORRUPT_MARKER = '.corrupt-';
/** A temp file this old belongs to a save that crashed, not one in flight. */
const STALE_TEMP_MS = 10 * 60_000;
/** The largest store file read by default (drafts and settings are far smaller). */
export const DEFAULT_MAX_STORE_FILE = 64 * MiB;

export interface SetAside {
  /** The new name; absent when the file could not be moved. */
  setAsideAs?: string;
  /** Why it could not be moved. */
  error?: string;
}

/** The name a file is set aside under at `now`. */
export function setAsideName(name: string, now: Date): string {
  return `${name}${CORRUPT_MARKER}${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** Renames `dir/name` aside as `<name>.corrupt-<time>` (durably). */
export async function setAsideFile(dir: string, name: string, now: Date): Promise<SetAside> {
  const target = setAsideName(name, now);
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

/** The reason a stored file is kept untouched: a later version of the app wrote it. */
export function newerSchemaReason(name: string, found: unknown, understood: number): string {
  return `${name}: made by a newer Switchyard (schema ${String(found)}; this one reads up to ${understood}): kept as it is, update Switchyard to use it`;
}

/** A file's content could not be taken as a file of its kind (wrong entry type, too large). */
export function isUnreadableEntry(err: unknown): err is LocalFileError | NodeJS.ErrnoException {
  if (err instanceof LocalFileError) return true;
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'ELOOP';
}

/**
 * The file's text, or undefined when it does not exist. Anything that is not a regular file, or is
 * larger than `maxBytes`, is a LocalFileError (never a hang on a FIFO).
 */
export async function readTextIfExists(
  path: string,
  maxBytes: number = DEFAULT_MAX_STORE_FILE,
): Promise<string | undefined> {
  try {
    return await readBoundedText(path, maxBytes);
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
