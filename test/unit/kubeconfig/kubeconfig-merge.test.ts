import { describe, expect, it } from 'vitest';
import { mergeKubeconfigs, resolveContext } from '../../../main/core/kubeconfig/kubeconfig-merge.ts';
import { parseKubeconfigFile } from '../../../main/core/kubeconfig/kubeconfig-parse.ts';

function file(
  name: string,
  body: { clusters?: string[]; users?: string[]; contexts?: string[][]; current?: string; server?: string },
) {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const c of body.clusters ?? [])
    lines.push(`- name: ${c}`, '  cluster:', `    server: https://${body.server ?? name}.example`);
  lines.push('users:');
  for (const u of body.users ?? []) lines.push(`- name: ${u}`, '  user:', `    token: ${name}-${u}`);
  lines.push('contexts:');
  for (const [n, c, u] of body.contexts ?? [])
    lines.push(`- name: ${n}`, '  context:', `    cluster: ${c}`, `    user: ${u}`);
  if (body.current !== undefined) lines.push(`current-context: "${body.current}"`);
  return parseKubeconfigFile(`/kube/${name}`, `${lines.join('\n')}\n`);
}

describe('kubeconfig merge (kubectl rules)', () => {
  it('keeps the first file’s cluster, user and context when a later file defines the same name', () => {
    const merged = mergeKubeconfigs([
      file('a', { clusters: ['c'], users: ['u'], contexts: [['x', 'c', 'u']] }),
      file('b', {
        clusters: ['c', 'd'],
        users: ['u'],
        contexts: [
          ['x', 'd', 'u'],
          ['y', 'd', 'u'],
        ],
      }),
    ]);
    expect(merged.clusters.get('c')?.server).toBe('https://a.example');
    expect(merged.users.get('u')?.token).toBe('a-u');
    expect(merged.contexts.get('x')?.cluster).toBe('c');
    expect(merged.contexts.get('x')?.file).toBe('/kube/a');
    expect(merged.contexts.get('y')?.file).toBe('/kube/b');
  });

  it('lets a context of one file use a cluster and user defined in another', () => {
    const merged = mergeKubeconfigs([
      file('contexts', { contexts: [['prod', 'prod-cluster', 'prod-user']] }),
      file('creds', { clusters: ['prod-cluster'], users: ['prod-user'] }),
    ]);
    const r = resolveContext(merged, 'prod');
    expect(r.ok && r.resolved.cluster.file).toBe('/kube/creds');
    expect(r.ok && r.resolved.user.token).toBe('creds-prod-user');
  });

  it('takes current-context from the first file that sets one, skipping files that leave it empty', () => {
    const merged = mergeKubeconfigs([
      file('a', { current: '' }),
      file('b', { current: 'from-b' }),
      file('c', { current: 'from-c' }),
    ]);
    expect(merged.currentContext).toBe('from-b');
  });

  it('reports a name defined twice in one file and uses its first definition', () => {
    const merged = mergeKubeconfigs([
      file('a', {
        clusters: ['c'],
        contexts: [
          ['x', 'c', ''],
          ['x', 'other', ''],
        ],
      }),
    ]);
    expect(merged.contexts.get('x')?.cluster).toBe('c');
    expect(merged.problems).toEqual([
      { file: '/kube/a', message: 'context "x" is defined twice in this file; the first is used' },
    ]);
  });

  it('says which cluster or user is missing when a context cannot be resolved', () => {
    const merged = mergeKubeconfigs([
      file('a', {
        clusters: ['c'],
        contexts: [
          ['no-cluster', 'gone', ''],
          ['no-user', 'c', 'ghost'],
        ],
      }),
    ]);
    expect(resolveContext(merged, 'no-cluster')).toEqual({
      ok: false,
      reason: 'context "no-cluster" uses cluster "gone", which no kubeconfig file defines',
    });
    expect(resolveContext(merged, 'no-user')).toEqual({
      ok: false,
      reason: 'context "no-user" uses user "ghost", which no kubeconfig file defines',
    });
    expect(resolveContext(merged, 'absent')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not defined/),
    });
  });

  it('treats a context without a user as anonymous access, as kubectl does', () => {
    const merged = mergeKubeconfigs([file('a', { clusters: ['c'], contexts: [['anon', 'c', '""']] })]);
    const r = resolveContext(merged, 'anon');
    expect(r.ok).toBe(true);
    expect(r.ok && r.resolved.user.token).toBeUndefined();
  });
});
