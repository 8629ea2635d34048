// The one atomic-write helper and the bounded reader every store and the CLI use: a failed write
// (a full disk, a check before the rename) leaves the old file and no temp file; files are 0600
// in 0700 folders; a FIFO or an oversized file is refused before a byte is read.

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePrivateDir, writeFileAtomic } from '../../../main/core/local-files/atomic-file.ts';
import {
  LocalFileError,
  readBoundedFile,
  readBoundedFileSync,
} from '../../../main/core/local-files/bounded-read.ts';
import { diskFullAfter } from './disk-full.ts';

const unix = process.platform !== 'win32';
const tempDir = () => mkdtempSync(join(tmpdir(), 'sy-atomic-'));

describe('writeFileAtomic', () => {
  it('leaves the old file and no temp file when the disk fills up half-way', async () => {
    const dir = tempDir();
    const file = join(dir, 'settings.json');
    writeFileSync(file, 'old\n');
    await expect(
      writeFileAtomic(file, 'new content\n'.repeat(100), { writeData: diskFullAfter(10) }),
    ).rejects.toThrow('ENOSPC');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('leaves the old file and no temp file when the check before the rename refuses', async () => {
    const dir = tempDir();
    const file = join(dir, 'vs.yaml');
    writeFileSync(file, 'old\n');
    const refuse = async () => {
      throw new Error('changed meanwhile');
    };
    await expect(writeFileAtomic(file, 'new\n', { beforeRename: refuse })).rejects.toThrow(
      'changed meanwhile',
    );
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['vs.yaml']);
  });

  it('writes owner-only files by default, and the mode asked for despite the umask', async () => {
    if (!unix) return;
    const dir = tempDir();
    await writeFileAtomic(join(dir, 'a.json'), '{}\n');
    expect(statSync(join(dir, 'a.json')).mode & 0o777).toBe(0o600);
    await writeFileAtomic(join(dir, 'b.yaml'), 'x: 1\n', { mode: 0o664 });
    expect(statSync(join(dir, 'b.yaml')).mode & 0o777).toBe(0o664);
  });
});

describe('ensurePrivateDir', () => {
  it('creates 0700 folders and narrows a folder an older version made 0755', async () => {
    if (!unix) return;
    const dir = tempDir();
    await ensurePrivateDir(join(dir, 'drafts'));
    expect(statSync(join(dir, 'drafts')).mode & 0o777).toBe(0o700);
    mkdirSync(join(dir, 'history'));
    chmodSync(join(dir, 'history'), 0o755);
    await ensurePrivateDir(join(dir, 'history'));
    expect(statSync(join(dir, 'history')).mode & 0o777).toBe(0o700);
  });

  it('leaves a data folder the operator chose as it is when asked to', async () => {
    if (!unix) return;
    const dir = tempDir();
    chmodSync(dir, 0o750);
    await ensurePrivateDir(dir, false);
    expect(statSync(dir).mode & 0o777).toBe(0o750);
  });
});

// The CLI's file commands read with the sync twin (no thread pool): the same checks and errors.
describe.each([
  ['readBoundedFile', readBoundedFile],
  ['readBoundedFileSync', async (path: string, max: number) => readBoundedFileSync(path, max)],
] as const)('%s', (_name, readBoundedFile) => {
  it('reads a regular file and its stat', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.txt'), 'héllo');
    const r = await readBoundedFile(join(dir, 'a.txt'), 1024);
    expect(r.text).toBe('héllo');
    expect(r.stats.isFile()).toBe(true);
  });

  it('refuses a FIFO at once, without waiting for a writer', async () => {
    if (!unix) return;
    const dir = tempDir();
    const fifo = join(dir, 'x.json');
    execFileSync('mkfifo', [fifo]);
    const err = await readBoundedFile(fifo, 1024).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalFileError);
    expect((err as LocalFileError).code).toBe('not-a-file');
    expect((err as Error).message).toBe(
      `${fifo} is a named pipe (FIFO), not a regular file: refused (reading it could block or never end)`,
    );
  });

  it('reads a file larger than its first buffer, and passes errors from opening through', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big'), 'y'.repeat(200_000));
    expect((await readBoundedFile(join(dir, 'big'), 300_000)).text).toBe('y'.repeat(200_000));
    const err = await readBoundedFile(join(dir, 'gone'), 1024).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('refuses a folder and a file over the limit', async () => {
    const dir = tempDir();
    await expect(readBoundedFile(dir, 1024)).rejects.toThrow(`${dir} is a folder, not a regular file`);
    writeFileSync(join(dir, 'big'), 'x'.repeat(2048));
    await expect(readBoundedFile(join(dir, 'big'), 1024)).rejects.toThrow(
      `${join(dir, 'big')} is larger than 1024 bytes: refused`,
    );
  });
});
