import type { KubeconfigProblem } from '../../../shared/api/contract.ts';
import type {
  KubeconfigCluster,
  KubeconfigContext,
  KubeconfigUser,
  ParsedKubeconfigFile,
  ResolvedContext,
} from './kubeconfig-types.ts';

export interface MergedKubeconfig {
  /** Files in the order they were merged (the order that decides which definition wins). */
  files: string[];
  clusters: Map<string, KubeconfigCluster>;
  users: Map<string, KubeconfigUser>;
  /** In the order contexts first appear. */
  contexts: Map<string, KubeconfigContext>;
  currentContext?: string;
  problems: KubeconfigProblem[];
}

function addFirst<T extends { name: string }>(
  map: Map<string, T>,
  entry: T,
  seenInFile: Set<string>,
  what: string,
  file: string,
  problems: KubeconfigProblem[],
): void {
  if (seenInFile.has(entry.name)) {
    problems.push({
      file,
      message: `${what} "${entry.name}" is defined twice in this file; the first is used`,
    });
    return;
  }
  seenInFile.add(entry.name);
  // kubectl's rule: the first file to set a key wins, later files never override it.
  if (!map.has(entry.name)) map.set(entry.name, entry);
}

/**
 * Merges files the way kubectl merges KUBECONFIG: for clusters, users and contexts the first file
 * that defines a name wins; current-context comes from the first file that sets one.
 */
export function mergeKubeconfigs(parsed: readonly ParsedKubeconfigFile[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    files: [],
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    problems: [],
  };
  for (const f of parsed) {
    merged.files.push(f.file);
    for (const message of f.problems) merged.problems.push({ file: f.file, message });
    const clusters = new Set<string>();
    for (const c of f.clusters) addFirst(merged.clusters, c, clusters, 'cluster', f.file, merged.problems);
    const users = new Set<string>();
    for (const u of f.users) addFirst(merged.users, u, users, 'user', f.file, merged.problems);
    const contexts = new Set<string>();
    for (const c of f.contexts) addFirst(merged.contexts, c, contexts, 'context', f.file, merged.problems);
    if (merged.currentContext === undefined && f.currentContext) merged.currentContext = f.currentContext;
  }
  return merged;
}

export type ContextResolution = { ok: true; resolved: ResolvedContext } | { ok: false; reason: string };

/** The cluster and user a context names, or why it cannot be opened. */
export function resolveContext(merged: MergedKubeconfig, name: string): ContextResolution {
  const context = merged.contexts.get(name);
  if (!context) return { ok: false, reason: `context "${name}" is not defined in any kubeconfig file` };
  if (context.cluster === '')
    return { ok: false, reason: `context "${name}" names no cluster (${context.file})` };
  const cluster = merged.clusters.get(context.cluster);
  if (!cluster) {
    return {
      ok: false,
      reason: `context "${name}" uses cluster "${context.cluster}", which no kubeconfig file defines`,
    };
  }
  let user = context.user === '' ? undefined : merged.users.get(context.user);
  if (context.user !== '' && !user) {
    return {
      ok: false,
      reason: `context "${name}" uses user "${context.user}", which no kubeconfig file defines`,
    };
  }
  // No user at all is anonymous access, which kubectl allows too.
  user ??= { name: '', file: context.file };
  return { ok: true, resolved: { context, cluster, user } };
}
