import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { yamlText } from '../../shared/text/yaml-text.ts';
import { DEMO_TEAM_NAMESPACE } from './auth/demo-users.ts';

export const DEMO_CLUSTER_NAME = 'switchyard-demo';
export const DEMO_CONTEXTS = ['demo-admin', 'demo-viewer', 'demo-team'] as const;

export interface DemoKubeconfigInput {
  url: string;
  /** PEM of the CA that signed the server certificate; absent for plain HTTP. */
  caCert?: string;
  /** `team` adds the `demo-team` user and context (namespace `shop`). */
  tokens: { admin: string; viewer: string; team?: string };
  namespace?: string;
}

/** A kubeconfig with one cluster and the `demo-admin` (current), `demo-viewer` and `demo-team` contexts. */
export function demoKubeconfigYaml(input: DemoKubeconfigInput): string {
  const cluster: Record<string, unknown> = { server: input.url };
  if (input.caCert) cluster['certificate-authority-data'] = Buffer.from(input.caCert).toString('base64');
  // client-node refuses a plain http:// server unless TLS verification is explicitly off.
  else cluster['insecure-skip-tls-verify'] = true;
  const context = (user: string) => ({
    name: user,
    context: {
      cluster: DEMO_CLUSTER_NAME,
      user,
      namespace: user === 'demo-team' ? DEMO_TEAM_NAMESPACE : (input.namespace ?? 'default'),
    },
  });
  const team = input.tokens.team;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: DEMO_CLUSTER_NAME, cluster }],
    users: [
      { name: 'demo-admin', user: { token: input.tokens.admin } },
      { name: 'demo-viewer', user: { token: input.tokens.viewer } },
      ...(team ? [{ name: 'demo-team', user: { token: team } }] : []),
    ],
    contexts: DEMO_CONTEXTS.filter((c) => team || c !== 'demo-team').map(context),
    'current-context': 'demo-admin',
  };
  return yamlText(config);
}

export interface FleetKubeconfigMember {
  /** The cluster's name (`demo-eu-1`): its kubeconfig cluster, and the prefix of its users and contexts. */
  cluster: string;
  url: string;
  caCert?: string;
  tokens: { admin: string; viewer: string; team: string };
}

/**
 * One kubeconfig for a demo fleet: per cluster a cluster entry and the three demo users as
 * `<cluster>-admin`, `<cluster>-viewer` and `<cluster>-team` (namespace `shop` only), each with a
 * context of the same name. The first cluster's admin context is the current one.
 */
export function fleetKubeconfigYaml(members: readonly FleetKubeconfigMember[]): string {
  const clusters = members.map((m) => {
    const cluster: Record<string, unknown> = { server: m.url };
    if (m.caCert) cluster['certificate-authority-data'] = Buffer.from(m.caCert).toString('base64');
    else cluster['insecure-skip-tls-verify'] = true;
    return { name: m.cluster, cluster };
  });
  const kinds = ['admin', 'viewer', 'team'] as const;
  const users = members.flatMap((m) =>
    kinds.map((k) => ({ name: `${m.cluster}-${k}`, user: { token: m.tokens[k] } })),
  );
  const contexts = members.flatMap((m) =>
    kinds.map((k) => ({
      name: `${m.cluster}-${k}`,
      context: {
        cluster: m.cluster,
        user: `${m.cluster}-${k}`,
        namespace: k === 'team' ? DEMO_TEAM_NAMESPACE : 'default',
      },
    })),
  );
  const first = members[0];
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters,
    users,
    contexts,
    'current-context': first ? `${first.cluster}-admin` : '',
  };
  return yamlText(config);
}

/**
 * Writes the kubeconfig readable by the owner only (it holds bearer tokens), whole or not at all:
 * kubectl or a test waiting for the file never reads half of it.
 */
export async function writeDemoKubeconfig(path: string, yaml: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, yaml, { mode: 0o600 });
  await rename(partial, path);
}
