import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, extname, join, resolve } from 'node:path';
import type { ContextSummary, KubeconfigProblem } from '../../../shared/api/contract.ts';
import { MiB, readBoundedText } from '../local-files/bounded-read.ts';
import type { ContextResolution, MergedKubeconfig } from './kubeconfig-merge.ts';
import { mergeKubeconfigs, resolveContext } from './kubeconfig-merge.ts';
import { KubeconfigFileError, parseKubeconfigFile } from './kubeconfig-parse.ts';
import type { ParsedKubeconfigFile } from './kubeconfig-types.ts';

export type KubeconfigOrigin = 'KUBECONFIG' | 'default' | 'added';

/** A file or folder the loader reads; a folder contributes every kubeconfig-looking file in it. */
export interface KubeconfigSource {
  path: string;
  origin: KubeconfigOrigin;
}

/**
 * What kubectl reads (every KUBECONFIG entry, else ~/.kube/config), then what the operator added
 * in settings. Duplicates keep their first place: the order decides which definition wins.
 */
export function kubeconfigSources(
  env: NodeJS.ProcessEnv,
  home: string = homedir(),
  added: readonly string[] = [],
): KubeconfigSource[] {
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.trim() !== '');
  const base: KubeconfigSource[] =
    fromEnv.length > 0
      ? fromEnv.map((path) => ({ path: resolve(path), origin: 'KUBECONFIG' }))
      : [{ path: join(home, '.kube', 'config'), origin: 'default' }];
  const all = [...base, ...added.map((path): KubeconfigSource => ({ path: resolve(path), origin: 'added' }))];
  const seen = new Set<string>();
  return all.filter((s) => !seen.has(s.path) && seen.add(s.path));
}

// In a folder like ~/.kube/config.d, only these are taken for kubeconfigs (a README is not one).
const folderExtensions = new Set(['', '.yaml', '.yml', '.json', '.conf', '.config', '.kubeconfig']);

/** Kubeconfigs with inline certificates for hundreds of clusters stay far below this. */
export const MAX_KUBECONFIG_BYTES = 16 * MiB;

export interface KubeconfigFs {
  /** The file's text; a FIFO, socket, device or folder, or a file over the limit, is refused (thrown). */
  readFile(path: string): Promise<string>;
  /** Regular-file names in a folder, or null when the path is not a folder. */
  listFolder(path: string): Promise<string[] | null>;
}

export const nodeKubeconfigFs: KubeconfigFs = {
  // Opened non-blocking and checked before reading: a FIFO in KUBECONFIG must not hang every load.
  readFile: (path) => readBoundedText(path, MAX_KUBECONFIG_BYTES),
  async listFolder(path) {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(path);
    } catch {
      return null;
    }
    if (!st.isDirectory()) return null;
    const dirents: Dirent[] = await readdir(path, { withFileTypes: true });
    return dirents.filter((d) => d.isFile() || d.isSymbolicLink()).map((d) => d.name);
  },
};

export interface KubeconfigSnapshot {
  sources: KubeconfigSource[];
  /** Every file that was read (folders expanded), in merge order. */
  files: string[];
  merged: MergedKubeconfig;
  /** One per context, in merge order: names and statuses only, safe for the renderer. */
  contexts: ContextSummary[];
  problems: KubeconfigProblem[];
  currentContext?: string;
  resolve(contextName: string): ContextResolution;
}

export interface KubeconfigLoaderDependencies {
  env: NodeJS.ProcessEnv;
  home?: string;
  /** Files or folders the operator added in settings; read on every load. */
  addedPaths?: () => readonly string[];
  fs?: KubeconfigFs;
}

export interface KubeconfigLoader {
  sources(): KubeconfigSource[];
  load(): Promise<KubeconfigSnapshot>;
}

export const contextIdOf = (name: string): string => `kube:${name}`;

async function expand(source: KubeconfigSource, fs: KubeconfigFs): Promise<string[]> {
  const names = await fs.listFolder(source.path);
  if (names === null) return [source.path];
  return names
    .filter((n) => !n.startsWith('.') && folderExtensions.has(extname(n).toLowerCase()))
    .sort()
    .map((n) => join(source.path, n));
}

type FileOutcome = { parsed: ParsedKubeconfigFile } | { problem: KubeconfigProblem } | null;

async function readOne(file: string, fs: KubeconfigFs): Promise<FileOutcome> {
  let text: string;
  try {
    text = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Most people have no KUBECONFIG and some have no ~/.kube/config: absence is not a problem.
    if (code === 'ENOENT') return null;
    return { problem: { file, message: `cannot read: ${(err as Error).message}` } };
    // (A FIFO, device or socket arrives here too, as "… is a named pipe (FIFO), not a regular file".)
  }
  try {
    return { parsed: parseKubeconfigFile(file, text) };
  } catch (err) {
    if (err instanceof KubeconfigFileError) return { problem: { file, message: err.message } };
    throw err;
  }
}

/** Reads and merges kubeconfig files; contacts no cluster. */
export async function readKubeconfigs(
  sources: readonly KubeconfigSource[],
  fs: KubeconfigFs = nodeKubeconfigFs,
) {
  const files = (await Promise.all(sources.map((s) => expand(s, fs)))).flat();
  const unique = [...new Set(files)];
  const outcomes = await Promise.all(unique.map((f) => readOne(f, fs)));
  const parsed: ParsedKubeconfigFile[] = [];
  const fileProblems: KubeconfigProblem[] = [];
  for (const o of outcomes) {
    if (o === null) continue;
    if ('parsed' in o) parsed.push(o.parsed);
    else fileProblems.push(o.problem);
  }
  const merged = mergeKubeconfigs(parsed);
  return { files: unique, merged, problems: [...fileProblems, ...merged.problems] };
}

export function summarizeContexts(merged: MergedKubeconfig): ContextSummary[] {
  return [...merged.contexts.values()].map((ctx) => {
    const summary: ContextSummary = {
      id: contextIdOf(ctx.name),
      name: ctx.name,
      cluster: ctx.cluster,
      user: ctx.user,
      source: ctx.file,
      isDemo: false,
      status: 'not-connected',
    };
    if (ctx.namespace) summary.namespace = ctx.namespace;
    const resolution = resolveContext(merged, ctx.name);
    if (!resolution.ok) {
      summary.status = 'error';
      summary.statusReason = resolution.reason;
    }
    return summary;
  });
}

export function createKubeconfigLoader(deps: KubeconfigLoaderDependencies): KubeconfigLoader {
  const fs = deps.fs ?? nodeKubeconfigFs;
  const sources = () => kubeconfigSources(deps.env, deps.home ?? homedir(), deps.addedPaths?.() ?? []);
  return {
    sources,
    async load() {
      const list = sources();
      const { files, merged, problems } = await readKubeconfigs(list, fs);
      const snapshot: KubeconfigSnapshot = {
        sources: list,
        files,
        merged,
        contexts: summarizeContexts(merged),
        problems,
        resolve: (name) => resolveContext(merged, name),
      };
      if (merged.currentContext) snapshot.currentContext = merged.currentContext;
      return snapshot;
    },
  };
}
