// `-f PATH` of the file commands: a file, or a folder standing for every *.yaml / *.yml under it
// (a GitOps repository laid out by cluster: clusters/eu-1/…, clusters/us-1/…).

import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from './command.ts';

const YAML_NAME = /\.ya?ml$/i;

/**
 * The YAML files under a folder, recursively, as paths starting with `folder` (as given), sorted
 * by path. Hidden entries (.git, .github) are skipped; a symlink to a file counts (it is edited
 * through, as a file given by name is), a symlink to a folder is not followed (no loops).
 */
async function yamlFilesUnder(folder: string, cwd: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(resolve(cwd, rel), { withFileTypes: true });
    } catch (err) {
      throw new InputError(`${rel}: cannot read folder (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(rel, e.name);
      if (e.isDirectory()) await walk(path);
      else if (YAML_NAME.test(e.name) && (e.isFile() || (e.isSymbolicLink() && (await isFile(path, cwd)))))
        out.push(path);
    }
  };
  await walk(folder);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function isFile(path: string, cwd: string): Promise<boolean> {
  return stat(resolve(cwd, path)).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function isFolder(path: string, cwd: string): Promise<boolean> {
  return stat(resolve(cwd, path)).then(
    (s) => s.isDirectory(),
    () => false,
  );
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
  const add = async (file: string, inFolder: boolean) => {
    const key = await realpath(resolve(cwd, file)).catch(() => resolve(cwd, file));
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ file, inFolder });
  };
  for (const arg of args) {
    if (!(await isFolder(arg, cwd))) {
      await add(arg, false);
      continue;
    }
    const found = await yamlFilesUnder(arg, cwd);
    if (found.length === 0) throw new InputError(`${arg}: no .yaml or .yml file in this folder`);
    for (const file of found) await add(file, true);
  }
  return out;
}
