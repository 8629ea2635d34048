// `--write` for a set of files: all or nothing as far as the file system allows. Every changed file
// is checked first (writable, unchanged since it was read); one refusal and none is written. Then
// each is replaced as one file always was (rewrite-file.ts). A file changed by someone else between
// its check and its rename is still refused at the rename: the run stops there and says which
// files were already written, so the operator knows exactly where the repository stands.

import type { CommandIO } from './command.ts';
import { InputError } from './command.ts';
import type { SourceFile } from './read-yaml-files.ts';
import { checkWritable, rewriteFile } from './rewrite-file.ts';

export interface FileEdit {
  file: string;
  after: string;
}

/**
 * Writes the edits. With one file (`several` false) its refusal is the command's error, as it
 * always was; with several, each refusal is a line on stderr and the error counts them.
 * `rewrite` is rewriteFile (a test gives one that fails at a chosen file).
 */
export async function writeEdits(
  io: CommandIO,
  sources: ReadonlyMap<string, SourceFile>,
  edits: readonly FileEdit[],
  several: boolean,
  rewrite: typeof rewriteFile = rewriteFile,
): Promise<void> {
  const targets: Array<{ edit: FileEdit; source: SourceFile; target: string }> = [];
  const refused: string[] = [];
  for (const edit of edits) {
    const source = sources.get(edit.file);
    if (!source) throw new Error(`no source read for ${edit.file}`);
    try {
      targets.push({ edit, source, target: await checkWritable(source) });
    } catch (err) {
      if (!(err instanceof InputError) || !several) throw err;
      refused.push(err.message);
    }
  }
  if (refused.length > 0) {
    for (const why of refused) io.stderr(`${why}\n`);
    throw new InputError(
      `nothing written: ${refused.length} of ${edits.length} changed files cannot be written`,
    );
  }
  const written: string[] = [];
  for (const { edit, source, target } of targets) {
    try {
      await rewrite(source, edit.after, target);
    } catch (err) {
      if (!(err instanceof InputError) || !several) throw err;
      const rest = targets.slice(written.length + 1).map((t) => t.edit.file);
      throw new InputError(
        `${err.message}; already written: ${written.join(', ') || 'none'}; not written: ${[edit.file, ...rest].join(', ')}`,
      );
    }
    written.push(edit.file);
  }
  io.stderr(
    written.length === 0 ? 'no change: the files already say this\n' : `wrote ${written.join(', ')}\n`,
  );
}
