import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigPaths, listKubeconfigContexts } from '../../../main/core/kubeconfig-contexts.ts';

const dir = mkdtempSync(join(tmpdir(), 'sy-kubeconfig-'));

function kubeconfig(name: string, contexts: string[]): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      ...contexts.map((c) => `- name: ${c}-cluster\n  cluster:\n    server: https://${c}.example:6443`),
      'users:',
      ...contexts.map((c) => `- name: ${c}-user\n  user:\n    token: secret-${c}`),
      'contexts:',
      ...contexts.map(
        (c) =>
          `- name: ${c}\n  context:\n    cluster: ${c}-cluster\n    user: ${c}-user\n    namespace: ns-${c}`,
      ),
      `current-context: ${contexts[0]}`,
      '',
    ].join('\n'),
  );
  return file;
}

describe('kubeconfig contexts', () => {
  it('reads every file of KUBECONFIG, else ~/.kube/config', () => {
    expect(kubeconfigPaths({ KUBECONFIG: '/a:/b::' }, '/home/x')).toEqual(['/a', '/b']);
    expect(kubeconfigPaths({}, '/home/x')).toEqual(['/home/x/.kube/config']);
  });

  it('lists contexts with cluster, user, namespace and source file, and no credentials', async () => {
    const file = kubeconfig('one.yaml', ['prod', 'staging']);
    const { contexts, problems } = await listKubeconfigContexts([file]);
    expect(problems).toEqual([]);
    expect(contexts.map((c) => [c.name, c.cluster, c.user, c.namespace, c.source])).toEqual([
      ['prod', 'prod-cluster', 'prod-user', 'ns-prod', file],
      ['staging', 'staging-cluster', 'staging-user', 'ns-staging', file],
    ]);
    expect(JSON.stringify(contexts)).not.toContain('secret-');
  });

  it('reports a malformed file on its own without hiding the good ones', async () => {
    const good = kubeconfig('good.yaml', ['dev']);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusters: [unterminated\n  - :');
    const { contexts, problems } = await listKubeconfigContexts([bad, good]);
    expect(contexts.map((c) => c.name)).toEqual(['dev']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe(bad);
    expect(problems[0]?.message).toMatch(/not a valid kubeconfig/);
  });

  it('keeps the first definition of a context name, as kubectl merges', async () => {
    const a = kubeconfig('a.yaml', ['shared']);
    const b = kubeconfig('b.yaml', ['shared', 'only-b']);
    const { contexts } = await listKubeconfigContexts([a, b]);
    expect(contexts.map((c) => `${c.name}@${c.source}`)).toEqual([`shared@${a}`, `only-b@${b}`]);
  });

  it('treats a missing file as no contexts, not as a problem', async () => {
    const { contexts, problems } = await listKubeconfigContexts([join(dir, 'absent')]);
    expect(contexts).toEqual([]);
    expect(problems).toEqual([]);
  });
});
