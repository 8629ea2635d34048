import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ContextSummary, KubeconfigProblem } from '../../shared/api/contract.ts';

/** The kubeconfig files kubectl would read: every entry of KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPaths(env: NodeJS.ProcessEnv, home = homedir()): string[] {
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.trim() !== '');
  return fromEnv.length > 0 ? fromEnv : [join(home, '.kube', 'config')];
}

export interface ContextListing {
  contexts: ContextSummary[];
  problems: KubeconfigProblem[];
}

/**
 * Lists the contexts of each file on its own, so one malformed file is reported without hiding
 * the good ones. Contacts no cluster. A missing file is not a problem: most users have one.
 */
export async function listKubeconfigContexts(paths: string[]): Promise<ContextListing> {
  const contexts: ContextSummary[] = [];
  const problems: KubeconfigProblem[] = [];
  const seen = new Set<string>();
  for (const file of paths) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      problems.push({ file, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const config = new KubeConfig();
    try {
      config.loadFromString(text);
    } catch (err) {
      problems.push({ file, message: `not a valid kubeconfig: ${(err as Error).message.split('\n')[0]}` });
      continue;
    }
    for (const ctx of config.getContexts()) {
      // kubectl's merge rule: the first file that defines a context name wins.
      if (seen.has(ctx.name)) continue;
      seen.add(ctx.name);
      contexts.push({
        id: `kube:${ctx.name}`,
        name: ctx.name,
        cluster: ctx.cluster,
        user: ctx.user,
        ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
        source: file,
        isDemo: false,
        status: 'not-connected',
      });
    }
  }
  return { contexts, problems };
}
