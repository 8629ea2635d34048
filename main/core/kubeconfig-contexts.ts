import { homedir } from 'node:os';
import type { ContextSummary, KubeconfigProblem } from '../../shared/api/contract.ts';
import { kubeconfigSources, readKubeconfigs, summarizeContexts } from './kubeconfig/kubeconfig-loader.ts';

// Kept for app-core: the full loader lives in ./kubeconfig/kubeconfig-loader.ts.

/** The kubeconfig files kubectl would read: every entry of KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPaths(env: NodeJS.ProcessEnv, home = homedir()): string[] {
  return kubeconfigSources(env, home).map((s) => s.path);
}

export interface ContextListing {
  contexts: ContextSummary[];
  problems: KubeconfigProblem[];
}

/**
 * Lists the contexts of the merged files, so one malformed file is reported without hiding the
 * good ones. Contacts no cluster. A missing file is not a problem: most users have one.
 */
export async function listKubeconfigContexts(paths: string[]): Promise<ContextListing> {
  const { merged, problems } = await readKubeconfigs(
    paths.map((path) => ({ path, origin: 'added' as const })),
  );
  return { contexts: summarizeContexts(merged), problems };
}
