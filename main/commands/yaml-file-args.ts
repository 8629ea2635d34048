// `-f PATH` of the file commands: a file, or a folder standing for every *.yaml / *.yml under it
// (a GitOps repository laid out by cluster: clusters/eu-1/…, clusters/us-1/…).

import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from './command.ts';

const YAML_NAME = /\.ya?ml$/i;

/**
 * The YAML files under a folder, recursively, as paths starting with `folder` (as given), sorted
 * by path. Hidden entries (.git, .github) are skipped; a symlink to a file counts (it is edited
 * through, as a file given by name is), a symlink to a folder is not followed (no loops).
 */
function yamlFilesUnder(folder: string, cwd: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(resolve(cwd, rel), { withFileTypes: true });
    } catch (err) {
      throw new InputError(`${rel}: cannot read folder (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(rel, e.name);
      if (e.isDirectory()) walk(path);
      else if (YAML_NAME.test(e.name) && (e.isFile() || (e.isSymbolicLink() && isFile(path, cwd))))
        out.push(path);
    }
  };
  walk(folder);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// Looked up without the thread pool (sync calls): the commands look at their arguments and exit, and
// each await of node:fs/promises is a round trip to a worker thread (~1.5 ms for one file's two).

function isFile(path: string, cwd: string): boolean {
  try {
    return statSync(resolve(cwd, path)).isFile();
  } catch {
    return false;
  }
}

function isFolder(path: string, cwd: string): boolean {
  try {
    return statSync(resolve(cwd, path)).isDirectory();
  } catch {
    return false;
  }
}

/** The path with symlinks resolved (the OS's realpath, as node:fs/promises gives), else as given. */
function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

export interface FileArg {
  file: string;
  /** Found by walking a folder (not named by the operator). */
  inFolder: boolean;
}

/**
 * Every file the arguments name, in their order, folders expanded; a file named twice (also
 * through a folder or a symlink) is read once, where it first appears. A path that is neither a
 * folder nor readable stays in the list: reading it reports why.
 */
export async function expandFileArgs(args: readonly string[], cwd: string): Promise<FileArg[]> {
  const out: FileArg[] = [];
  const seen = new Set<string>();
  const add = (file: string, inFolder: boolean) => {
    const key = realPath(resolve(cwd, file));
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ file, inFolder });
  };
  for (const arg of args) {
    if (!isFolder(arg, cwd)) {
      add(arg, false);
      continue;
    }
    const found = yamlFilesUnder(arg, cwd);
    if (found.length === 0) throw new InputError(`${arg}: no .yaml or .yml file in this folder`);
    for (const file of found) add(file, true);
  }
  return out;
}
