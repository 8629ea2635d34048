import { parseArgs } from 'node:util';
import type { ServiceRelease } from '../../shared/mesh/model/index.ts';
import type { DesiredRelease, FileOutcome, SetFile } from '../../shared/mesh/plan/index.ts';
import { outcomeLine, planFileSet } from '../../shared/mesh/plan/index.ts';
import { unifiedDiff } from '../../shared/text/unified-diff.ts';
import type { CommandIO } from './command.ts';
import { InputError, UsageError } from './command.ts';
import { NotKubernetesError, readYamlSources, type SourceFile } from './read-yaml-files.ts';
import { writeEdits } from './write-edits.ts';
import { expandFileArgs, type FileArg } from './yaml-file-args.ts';

// The offline file commands (split, cutover, route) share one path: read the files (folders
// expanded), plan the change of --host's release over them (shared/mesh/plan/file-set-plan.ts),
// then print, diff or write. With several files a summary line per file says what happens to it;
// any file's error stops the whole run before anything is written.

export const FILE_OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  host: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  write: { type: 'boolean', short: 'w' },
  'dry-run': { type: 'boolean' },
} as const;

export const FILE_OPTIONS_HELP = [
  '  -f, --file PATH       a YAML file (several documents allowed), or a folder: every *.yaml and',
  '                        *.yml under it (hidden folders skipped); repeat for more',
  '      --host HOST       the VirtualService host or HTTPRoute hostname (short or full name),',
  '                        or the destination service the route splits',
  '  -n, --namespace NS    only consider routes in this namespace (default: any)',
  '  -w, --write           rewrite the files in place instead of printing the result',
  '      --dry-run         print what would change in each file as a unified diff; write nothing',
].join('\n');

/** How several files (a folder per cluster) are edited, and the exit codes: part of each --help. */
export const FILE_SET_HELP = `Several files or folders (a GitOps repository with a folder per cluster):
  When one file holds the route for HOST, all the files are read together (its DestinationRule
  may be in another file). When several files hold it, each is one cluster's route: it is edited
  on its own, read with the files of its folder that hold no route for HOST. A line per file says
  what happens to it: the route and its change (before → after), "unchanged", "no route for
  HOST" (not an error), or the file's error. Every file is planned before any is written: if any
  file has an error, or any changed file is read-only or changed since it was read, nothing is
  written. Each file is rewritten in place as one file is (through symlinks, its mode kept,
  compared with what was read just before the rename); a file another writer changes in the
  moment between the checks and its rename stops the run there, naming the files written.

Exit status:
  0  done (also when every file already says this)
  1  a file's error (nothing written), no file routes HOST, or a file could not be written
  2  bad arguments`;

export interface FileEditRequest {
  files: string[];
  host: string;
  namespace?: string;
  write: boolean;
  dryRun: boolean;
}

/** Every file read once; with several files a file that cannot be read is that file's error. */
async function readSet(
  args: readonly FileArg[],
  cwd: string,
): Promise<{ set: SetFile[]; sources: Map<string, SourceFile> }> {
  const set: SetFile[] = [];
  const sources = new Map<string, SourceFile>();
  for (const { file, inFolder } of args) {
    try {
      const read = await readYamlSources([file], cwd);
      const source = read.sources.get(file)!;
      sources.set(file, source);
      set.push({
        file,
        text: source.text,
        objects: read.objects.map(({ index, object }) => ({ index, object })),
        ...(source.docs ? { docs: source.docs } : {}),
      });
    } catch (err) {
      if (!(err instanceof InputError) || args.length === 1) throw err;
      // A folder's Helm values or CI config is passed over; a file the operator named is not.
      if (inFolder && err instanceof NotKubernetesError)
        set.push({
          file,
          text: '',
          objects: [],
          skipped: err.message.slice(file.length + 1).trim(),
        });
      else set.push({ file, text: '', objects: [], readError: err.message });
    }
  }
  return { set, sources };
}

function endWithNewline(t: string): string {
  return t === '' || t.endsWith('\n') ? t : `${t}\n`;
}

/** Reads, changes, plans and prints, diffs or writes; returns the exit code. */
export async function editReleaseInFiles(
  io: CommandIO,
  req: FileEditRequest,
  change: (release: ServiceRelease) => DesiredRelease,
): Promise<number> {
  const args = await expandFileArgs(req.files, io.cwd);
  const files = args.map((a) => a.file);
  const { set, sources } = await readSet(args, io.cwd);
  const target = { host: req.host, ...(req.namespace !== undefined ? { namespace: req.namespace } : {}) };
  const plan = planFileSet(set, target, req.files.join(', '), change);
  if (plan.noRoute !== undefined) throw new InputError(plan.noRoute);
  const errors = plan.outcomes.filter(
    (o): o is Extract<FileOutcome, { kind: 'error' }> => o.kind === 'error',
  );
  const lines = plan.outcomes.map((o) => `${outcomeLine(o, req.host)}\n`);
  if (files.length === 1 && errors[0]) throw new InputError(errors[0].message);
  if (errors.length > 0) {
    for (const line of lines) io.stderr(line);
    throw new InputError(
      `nothing ${req.write ? 'written' : 'changed'}: ${errors.length} of ${files.length} files have an error (see above)`,
    );
  }
  const changed = plan.outcomes.filter(
    (o): o is Extract<FileOutcome, { kind: 'changed' }> => o.kind === 'changed',
  );
  const several = files.length > 1;
  if (req.dryRun) {
    for (const line of lines) io.stdout(line);
    for (const o of changed) io.stdout(unifiedDiff(o.file, o.before, o.after));
    return 0;
  }
  if (req.write) {
    if (several) for (const line of lines) io.stdout(line);
    await writeEdits(io, sources, changed, several);
    return 0;
  }
  if (several) for (const line of lines) io.stderr(line);
  const after = new Map(changed.map((o) => [o.file, o.after]));
  io.stdout(
    set
      .filter((f) => f.skipped === undefined)
      .map((f) => after.get(f.file) ?? f.text)
      .map((t, i) => (i > 0 && !t.startsWith('---') ? `---\n${t}` : t))
      .map(endWithNewline)
      .join(''),
  );
  return 0;
}

/** Parses the common file options plus a command's own; bad syntax is a UsageError. */
export function parseFileArgs<
  O extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>,
>(args: string[], extra: O): { request: FileEditRequest; values: Record<string, unknown> } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...FILE_OPTIONS, ...extra },
      strict: true,
      allowPositionals: true,
    }) as typeof parsed;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const files = [...((values.file as string[] | undefined) ?? []), ...positionals];
  if (files.length === 0) throw new UsageError('give at least one file with -f FILE');
  const host = values.host;
  if (typeof host !== 'string' || host === '') throw new UsageError('give the host with --host HOST');
  const namespace = typeof values.namespace === 'string' ? { namespace: values.namespace } : {};
  const write = values.write === true;
  const dryRun = values['dry-run'] === true;
  if (write && dryRun) throw new UsageError('--write and --dry-run exclude each other: choose one');
  return { request: { files, host, ...namespace, write, dryRun }, values };
}
