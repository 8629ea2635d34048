// `--write`: replace a file the command read, safely. The file is read once (readYamlSources); the
// new text goes to a temp file beside the real file (through symlinks: the link stays a link),
// with the old file's mode and owner, and just before the rename the file is compared with what
// was read: a change made meanwhile (an editor, a `git checkout`) is refused, never overwritten.
// A read-only file is refused too (a rename would replace it although it may not be written).

import { access, constants, realpath } from 'node:fs/promises';
import { writeFileAtomic } from '../core/local-files/atomic-file.ts';
import { readBoundedFile } from '../core/local-files/bounded-read.ts';
import { InputError } from './command.ts';
import type { SourceFile } from './read-yaml-files.ts';
import { MAX_YAML_FILE_BYTES } from './read-yaml-files.ts';

/** Refuses a file that may not be written; returns the real file a symlink points to. */
export async function checkWritable(source: SourceFile): Promise<string> {
  let target: string;
  try {
    target = await realpath(source.path);
  } catch (err) {
    throw new InputError(
      `${source.file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  // No write bit at all is read-only even for root (who passes every access check).
  const readOnly =
    (source.stats.mode & 0o222) === 0 ||
    (await access(target, constants.W_OK).then(
      () => false,
      () => true,
    ));
  if (readOnly)
    throw new InputError(
      `${source.file}: the file is read-only: not rewritten (make it writable, or leave out --write to print the result)`,
    );
  await refuseIfChanged(source, target);
  return target;
}

async function refuseIfChanged(source: SourceFile, target: string): Promise<void> {
  let now: Awaited<ReturnType<typeof readBoundedFile>> | undefined;
  try {
    now = await readBoundedFile(target, MAX_YAML_FILE_BYTES);
  } catch {
    now = undefined;
  }
  if (!now || now.text !== source.text || now.stats.ino !== source.stats.ino)
    throw new InputError(
      `${source.file}: the file changed since it was read: not rewritten (run the command again)`,
    );
}

/** Replaces the file with `text`; throws an InputError and leaves the file as it was on any failure. */
export async function rewriteFile(source: SourceFile, text: string, target: string): Promise<void> {
  const { stats } = source;
  const keepOwner =
    process.platform !== 'win32' && (stats.uid !== process.getuid?.() || stats.gid !== process.getgid?.());
  try {
    await writeFileAtomic(target, text, {
      mode: stats.mode & 0o7777,
      ...(keepOwner ? { owner: { uid: stats.uid, gid: stats.gid } } : {}),
      beforeRename: () => refuseIfChanged(source, target),
    });
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      (err as NodeJS.ErrnoException).syscall === 'fchown'
        ? `cannot keep its owner ${stats.uid}:${stats.gid} (${code})`
        : (code ?? (err as Error).message);
    throw new InputError(`${source.file}: cannot write (${why}); the file was left as it was`);
  }
}
