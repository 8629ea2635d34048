// Crash-safe replacement of a file: a reader sees the old content or the new, never a mix. The data
// is fsynced before the rename and the folder after it, so a power cut cannot leave the name
// pointing at blocks that never reached the disk. A write that fails (a full disk, a read-only
// folder, a check before the rename) removes its temp file: nothing is left behind, nothing changed.
// Every file the app keeps in its data folder is written here (0600 in a 0700 folder), and so is
// the CLI's `--write`.

import { randomBytes } from 'node:crypto';
import { chmod, type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temp files are `<name>.tmp-<pid>-<random>`: recognisable, so a crashed save can be cleaned up. */
export const TEMP_MARKER = '.tmp-';

/** Files in the data folder: the owner alone reads them (some hold tokens or passwords). */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

export interface AtomicWriteOptions {
  /** Permission bits of the new file (default 0600). */
  mode?: number;
  /** Owner to give the new file (a rewrite keeps the old file's); a failure to set it fails the write. */
  owner?: { uid: number; gid: number };
  /** Runs after the data is on disk and just before the rename; throwing cancels the write. */
  beforeRename?: () => Promise<void>;
  /** Writes the data to the temp file; a test injects a failing one (a full disk). */
  writeData?: (fh: FileHandle, data: string) => Promise<void>;
}

const defaultWriteData = (fh: FileHandle, data: string) => fh.writeFile(data, 'utf8');

export async function writeFileAtomic(
  path: string,
  data: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${basename(path)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
  const mode = options.mode ?? PRIVATE_FILE_MODE;
  const fh = await open(temp, 'wx', mode);
  let closed = false;
  try {
    // The umask may have cleared bits of `mode` (a kept 0664 must stay 0664).
    await fh.chmod(mode);
    if (options.owner) await fh.chown(options.owner.uid, options.owner.gid);
    await (options.writeData ?? defaultWriteData)(fh, data);
    await fh.sync();
    closed = true;
    await fh.close();
    await options.beforeRename?.();
    await rename(temp, path);
  } catch (err) {
    if (!closed) await fh.close().catch(() => {});
    await rm(temp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

/**
 * Creates `dir` (and its parents) owner-only. A folder the app owns (drafts/, history/…) is also
 * narrowed to 0700 when an older version made it wider; the data folder itself may be one the
 * operator chose (SWITCHYARD_DATA_DIR) and is left as it is (`narrowExisting: false`).
 */
export async function ensurePrivateDir(dir: string, narrowExisting = true): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!narrowExisting || process.platform === 'win32') return;
  const s = await stat(dir);
  if ((s.mode & 0o777) !== PRIVATE_DIR_MODE) await chmod(dir, PRIVATE_DIR_MODE);
}

/** Makes a rename durable. Windows cannot open a folder for fsync; there the rename is durable already. */
export async function syncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw err;
  } finally {
    await fh?.close();
  }
}
