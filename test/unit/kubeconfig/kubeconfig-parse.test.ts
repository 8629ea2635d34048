import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeContexts } from '../../../main/core/kubeconfig/kubeconfig-loader.ts';
import { mergeKubeconfigs } from '../../../main/core/kubeconfig/kubeconfig-merge.ts';
import { KubeconfigFileError, parseKubeconfigFile } from '../../../main/core/kubeconfig/kubeconfig-parse.ts';
import { repoRoot, sharedReference } from '../../helpers/shared-reference.ts';

const fixtures = join(repoRoot, 'test/fixtures/kubeconfigs');

describe('kubeconfig parsing', () => {
  it('resolves certificate, key and token-file paths against the kubeconfig file’s folder', () => {
    const file = join(fixtures, 'relative/config');
    const parsed = parseKubeconfigFile(file, readFileSync(file, 'utf8'));
    expect(parsed.clusters[0]?.certificateAuthority).toBe(join(fixtures, 'relative/certs/ca.crt'));
    const user = parsed.users.find((u) => u.name === 'rel-user');
    expect(user?.clientCertificate).toBe(join(fixtures, 'relative/certs/client.crt'));
    expect(user?.clientKey).toBe(join(fixtures, 'relative/certs/client.key'));
    expect(user?.tokenFile).toBe(join(fixtures, 'token'));
  });

  it('resolves an exec command with a separator against the file’s folder but leaves a bare name to PATH', () => {
    const file = join(fixtures, 'relative/config');
    const parsed = parseKubeconfigFile(file, readFileSync(file, 'utf8'));
    expect(parsed.users.find((u) => u.name === 'plugin-user')?.exec?.command).toBe(
      join(fixtures, 'relative/bin/get-token'),
    );
    const aws = parsed.users.find((u) => u.name === 'path-user')?.exec;
    expect(aws?.command).toBe('aws');
    expect(aws?.env).toEqual([{ name: 'AWS_PROFILE', value: 'prod' }]);
    expect(aws?.args).toEqual(['eks', 'get-token']);
  });

  it('keeps absolute paths as written', () => {
    const parsed = parseKubeconfigFile(
      '/home/op/.kube/config',
      'clusters:\n- name: c\n  cluster: {server: "https://x", certificate-authority: /etc/ca.pem}\n',
    );
    expect(parsed.clusters[0]?.certificateAuthority).toBe('/etc/ca.pem');
  });

  it('skips broken entries with a reason and keeps the good ones of the same file', () => {
    const file = join(fixtures, 'broken-entries.yaml');
    const parsed = parseKubeconfigFile(file, readFileSync(file, 'utf8'));
    expect(parsed.clusters.map((c) => c.name)).toEqual(['good']);
    expect(parsed.problems).toEqual([
      'cluster "no-server" (clusters[1]) has no server',
      'clusters[2] has no name',
    ]);
    const summaries = summarizeContexts(mergeKubeconfigs([parsed]));
    expect(summaries.map((s) => [s.name, s.status])).toEqual([
      ['good', 'not-connected'],
      ['dangling', 'error'],
      ['ghost-user', 'error'],
    ]);
    expect(summaries[2]?.statusReason).toBe(
      'context "ghost-user" uses user "nobody", which no kubeconfig file defines',
    );
  });

  it('rejects a file that is not YAML, or not a mapping, or not a Config, with the reason', () => {
    expect(() => parseKubeconfigFile('/x', 'clusters: [unterminated\n  - :')).toThrow(KubeconfigFileError);
    expect(() => parseKubeconfigFile('/x', '- just\n- a list\n')).toThrow(/not a YAML mapping/);
    expect(() => parseKubeconfigFile('/x', 'kind: Pod\n')).toThrow(/kind is "Pod", expected "Config"/);
  });

  it('treats an empty file as a kubeconfig with no contexts', () => {
    expect(parseKubeconfigFile('/x', '').contexts).toEqual([]);
  });
});

describe.skipIf(!sharedReference.present)(
  'kubeconfig parsing of real-world shapes (../shared/reference/kubeconfigs)',
  () => {
    const dir = sharedReference.path('kubeconfigs');
    const files = sharedReference.present ? readdirSync(dir).filter((f) => f.endsWith('.yaml')) : [];
    const parse = (name: string) =>
      parseKubeconfigFile(join(dir, name), readFileSync(join(dir, name), 'utf8'));

    it('reads every reference file without a whole-file error', () => {
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) expect(() => parse(f), f).not.toThrow();
    });

    it('lists the k9s contexts with cluster, user and namespace, and keeps absolute certificate paths', () => {
      const parsed = parse('derailed__k9s__kubes-test.yaml');
      const merged = mergeKubeconfigs([parsed]);
      expect(summarizeContexts(merged).map((c) => [c.name, c.cluster, c.user, c.namespace])).toEqual([
        ['ct-1-1', 'cl-1', 'user1', 'ns-1'],
        ['ct-1-2', 'cl-1', 'user2', 'ns-2'],
        ['ct-2-1', 'cl-2', 'user2', 'ns-2'],
      ]);
      expect(merged.currentContext).toBe('ct-1-1');
      expect(parsed.users[0]?.clientKey).toBe('/Users/test/client.key');
    });

    it('reads eksctl’s exec plugins with env: null as no extra variables', () => {
      const parsed = parse('eksctl-io__eksctl__two_clusters.golden.yaml');
      const exec = parsed.users[0]?.exec;
      expect(exec).toMatchObject({
        command: 'aws-iam-authenticator',
        args: ['token', '-i', 'cluster-one'],
        env: [],
      });
      expect(exec?.apiVersion).toBe('client.authentication.k8s.io/v1alpha1');
      expect(exec?.provideClusterInfo).toBe(false);
    });

    it('reads the gke plugin with args: null, its install hint and provideClusterInfo', () => {
      const exec = parse('yfxie-blog__gke-gcloud-auth-plugin-users-excerpt.yaml').users[0]?.exec;
      expect(exec?.args).toEqual([]);
      expect(exec?.provideClusterInfo).toBe(true);
      expect(exec?.installHint).toMatch(/gke-gcloud-auth-plugin/);
    });

    it('resolves the docs’ relative certificate file names against the file’s folder and keeps insecure-skip-tls-verify', () => {
      const parsed = parse('kubernetes__website__configure-access-multiple-clusters-config-demo-view.yaml');
      expect(parsed.clusters.find((c) => c.name === 'development')?.certificateAuthority).toBe(
        join(dir, 'fake-ca-file'),
      );
      expect(parsed.clusters.find((c) => c.name === 'test')?.insecureSkipTlsVerify).toBe(true);
      expect(parsed.users.find((u) => u.name === 'experimenter')).toMatchObject({
        username: 'exp',
        password: 'some-password',
      });
      expect(parsed.currentContext).toBeUndefined();
    });

    it('keeps proxy-url, and lists a context whose context section is empty as an error with the reason', () => {
      const parsed = parse('kubernetes__website__organize-cluster-access-kubeconfig-proxy-excerpt.yaml');
      expect(parsed.clusters[0]?.proxyUrl).toBe('http://proxy.example.org:3128');
      const [summary] = summarizeContexts(mergeKubeconfigs([parsed]));
      expect(summary).toMatchObject({ name: 'development', status: 'error' });
      expect(summary?.statusReason).toMatch(/names no cluster/);
    });

    it('keeps a legacy oidc auth-provider’s settings for client-node', () => {
      const user = parse('kubernetes-sigs__headlamp__kubeconfig_oidc_ca_data.yaml').users[0];
      expect(user?.authProvider?.name).toBe('oidc');
      expect(user?.authProvider?.config['idp-issuer-url']).toBe('https://oidc.example.com');
    });

    it('never puts a credential into what the renderer sees', () => {
      const parsed = files.map(parse);
      const text = JSON.stringify(summarizeContexts(mergeKubeconfigs(parsed)));
      expect(text).not.toMatch(/REDACTED|some-password|\$\{token\}/);
    });
  },
);
