// Reading a file whose size and kind we do not control (a kubeconfig, a draft, a YAML file given to
// the CLI). The file is opened non-blocking and checked with fstat before a byte is read: a FIFO,
// socket or device is refused with a reason (reading a FIFO would wait for a writer forever, a
// device may never end), and a regular file is read only up to a limit, never into an unbounded
// string.

import type { Stats } from 'node:fs';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

export const MiB = 1024 * 1024;

/**
 * Open flags for reading a file of unknown kind. O_NONBLOCK: opening a FIFO for reading returns at
 * once instead of waiting for a writer. Windows has no such flag (and no FIFOs in the file system).
 */
export const READ_NONBLOCK = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** A file that is not a regular file, or is larger than allowed. `code` says which. */
export class LocalFileError extends Error {
  override name = 'LocalFileError';
  constructor(
    message: string,
    readonly code: 'not-a-file' | 'too-large',
  ) {
    super(message);
  }
}

/** What kind of entry `s` is, in words, for a refusal. */
export function entryKind(s: Stats): string {
  if (s.isFile()) return 'a regular file';
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function sizeText(bytes: number): string {
  return bytes >= MiB ? `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB` : `${bytes} bytes`;
}

export interface BoundedFile {
  text: string;
  /** The file's stat at the time it was read (mode, owner, inode: what a rewrite must keep). */
  stats: Stats;
}

/** Refuses what is not a regular file, or is over `maxBytes` already. */
function checkStats(path: string, stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) {
    throw new LocalFileError(
      `${path} is ${entryKind(stats)}, not a regular file: refused (reading it could block or never end)`,
      'not-a-file',
    );
  }
  if (stats.size > maxBytes) throw tooLarge(path, maxBytes);
}

function tooLarge(path: string, maxBytes: number): LocalFileError {
  return new LocalFileError(`${path} is larger than ${sizeText(maxBytes)}: refused`, 'too-large');
}

/**
 * The buffer to read into: the file may grow while it is read, so the first one has room for one
 * byte more than its size, and a full one is replaced by one twice as large, at most one byte past
 * the limit (to notice a file that grew past it).
 */
function nextBuffer(path: string, maxBytes: number, size: number, chunk?: Buffer): Buffer {
  if (!chunk) return Buffer.alloc(Math.min(maxBytes + 1, Math.max(size + 1, 64 * 1024)));
  if (chunk.length > maxBytes) throw tooLarge(path, maxBytes);
  const bigger = Buffer.alloc(Math.min(maxBytes + 1, chunk.length * 2));
  chunk.copy(bigger, 0, 0, size);
  return bigger;
}

function filledText(path: string, maxBytes: number, chunk: Buffer, filled: number): string {
  if (filled > maxBytes) throw tooLarge(path, maxBytes);
  return chunk.subarray(0, filled).toString('utf8');
}

/**
 * Reads a regular file of at most `maxBytes` as UTF-8. Errors from opening (ENOENT, EACCES) pass
 * through unchanged; anything that is not a regular file or is too large is a LocalFileError.
 */
export async function readBoundedFile(path: string, maxBytes: number): Promise<BoundedFile> {
  const fh = await open(path, READ_NONBLOCK);
  try {
    const stats = await fh.stat();
    checkStats(path, stats, maxBytes);
    let chunk = nextBuffer(path, maxBytes, stats.size);
    let filled = 0;
    for (;;) {
      if (filled === chunk.length) chunk = nextBuffer(path, maxBytes, filled, chunk);
      const { bytesRead } = await fh.read(chunk, filled, chunk.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { text: filledText(path, maxBytes, chunk, filled), stats };
  } finally {
    await fh.close();
  }
}

/**
 * readBoundedFile without the thread pool, for a command that reads its files and exits (the
 * `switchyard` file commands): each of its awaits (open, stat, read, read, close) is a round trip
 * to a worker thread, a few milliseconds of a command that should start in well under 100.
 */
export function readBoundedFileSync(path: string, maxBytes: number): BoundedFile {
  const { bytes, stats } = readBytesSync(path, maxBytes);
  return { text: bytes.toString('utf8'), stats };
}

/**
 * The bytes of a regular file of at most `maxBytes`, read synchronously: for the few files read
 * where no await fits (a credential file read as a request is made); refuses as readBoundedFile.
 */
export function readBoundedBytesSync(path: string, maxBytes: number): Buffer {
  return readBytesSync(path, maxBytes).bytes;
}

function readBytesSync(path: string, maxBytes: number): { bytes: Buffer; stats: Stats } {
  const fd = openSync(path, READ_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    checkStats(path, stats, maxBytes);
    let chunk = nextBuffer(path, maxBytes, stats.size);
    let filled = 0;
    for (;;) {
      if (filled === chunk.length) chunk = nextBuffer(path, maxBytes, filled, chunk);
      const bytesRead = readSync(fd, chunk, filled, chunk.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxBytes) throw tooLarge(path, maxBytes);
    return { bytes: chunk.subarray(0, filled), stats };
  } finally {
    closeSync(fd);
  }
}

/** The text of a regular file of at most `maxBytes`; see readBoundedFile. */
export async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  return (await readBoundedFile(path, maxBytes)).text;
}
