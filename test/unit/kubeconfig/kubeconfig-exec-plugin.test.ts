import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createExecCredentialProvider,
  ExecPluginError,
  parseExecCredential,
} from '../../../main/core/kubeconfig/exec-credential-plugin.ts';
import type { ExecPluginConfig, KubeconfigCluster } from '../../../main/core/kubeconfig/kubeconfig-types.ts';
import { sanitizedExcerpt } from '../../../main/core/kubeconfig/plugin-output-excerpt.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

const plugins = join(repoRoot, 'test/fixtures/kubeconfigs/plugins');
const cluster: KubeconfigCluster = {
  name: 'c',
  server: 'https://api.example:6443',
  insecureSkipTlsVerify: false,
  file: '/k',
};

function plugin(script: string, extra: Partial<ExecPluginConfig> = {}): ExecPluginConfig {
  return {
    apiVersion: 'client.authentication.k8s.io/v1',
    command: process.execPath,
    args: [join(plugins, script)],
    env: [],
    provideClusterInfo: false,
    ...extra,
  };
}

const env = () => ({ PATH: process.env.PATH, PLUGIN_SUFFIX: 'from-login-shell' });

describe('exec credential plugins', () => {
  it('gives a clear error naming the plugin when it does not answer within the timeout', async () => {
    const provider = createExecCredentialProvider({ env, timeoutMs: 400 });
    const started = Date.now();
    const hanging = {
      ...plugin('hanging-plugin.mjs'),
      command: join(plugins, 'hanging-plugin.mjs'),
      args: [],
    };
    await expect(provider.get('k', hanging, cluster)).rejects.toThrow(
      'exec plugin `hanging-plugin.mjs` did not answer within 0.4 s',
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('runs the plugin with the login-shell environment plus the kubeconfig’s env entries', async () => {
    const provider = createExecCredentialProvider({ env });
    const credential = await provider.get('k', plugin('token-plugin.mjs'), cluster);
    expect(credential.token).toBe('tok-from-login-shell-no-cluster-info');
    const overridden = await provider.get(
      'k2',
      plugin('token-plugin.mjs', { env: [{ name: 'PLUGIN_SUFFIX', value: 'kubeconfig' }] }),
      cluster,
    );
    expect(overridden.token).toBe('tok-kubeconfig-no-cluster-info');
  });

  it('passes the cluster in KUBERNETES_EXEC_INFO only when provideClusterInfo is set', async () => {
    const provider = createExecCredentialProvider({ env });
    const credential = await provider.get(
      'k',
      plugin('token-plugin.mjs', { provideClusterInfo: true }),
      cluster,
    );
    expect(credential.token).toBe('tok-from-login-shell-https://api.example:6443');
  });

  it('reuses a credential until shortly before it expires, then runs the plugin again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-exec-'));
    const counter = join(dir, 'count');
    writeFileSync(counter, '0');
    let now = Date.parse('2030-01-01T00:00:00Z');
    const provider = createExecCredentialProvider({
      env: () => ({ ...env(), PLUGIN_COUNTER_FILE: counter, PLUGIN_EXPIRES: '2030-01-01T00:10:00Z' }),
      now: () => now,
    });
    const p = plugin('token-plugin.mjs');
    await Promise.all([provider.get('k', p, cluster), provider.get('k', p, cluster)]);
    await provider.get('k', p, cluster);
    expect(readFileSync(counter, 'utf8')).toBe('1');
    now = Date.parse('2030-01-01T00:09:55Z');
    await provider.get('k', p, cluster);
    expect(readFileSync(counter, 'utf8')).toBe('2');
  });

  it('reports a failing plugin with its exit code and the end of its stderr', async () => {
    const provider = createExecCredentialProvider({ env });
    await expect(provider.get('k', plugin('failing-plugin.mjs'), cluster)).rejects.toThrow(
      /exec plugin `node` exited with 3: error: the SSO session has expired; run `aws sso login`/,
    );
  });

  it('reports a plugin that is not installed, with the kubeconfig’s install hint', async () => {
    const provider = createExecCredentialProvider({ env });
    const missing = {
      ...plugin('x'),
      command: 'gke-gcloud-auth-plugin-not-here',
      args: [],
      installHint: 'Install it with gcloud.',
    };
    await expect(provider.get('k', missing, cluster)).rejects.toThrow(
      'exec plugin `gke-gcloud-auth-plugin-not-here` was not found (looked for "gke-gcloud-auth-plugin-not-here" on PATH). Install it with gcloud.',
    );
  });

  it('reports a plugin that prints something other than an ExecCredential', async () => {
    const provider = createExecCredentialProvider({ env });
    await expect(provider.get('k', plugin('garbage-plugin.mjs'), cluster)).rejects.toThrow(
      /printed something that is not JSON: "Please open/,
    );
  });

  it('accepts a certificate pair instead of a token and rejects a credential with neither', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----\n';
    const key = '-----BEGIN EC PRIVATE KEY-----\nK\n-----END EC PRIVATE KEY-----\n';
    expect(
      parseExecCredential(
        'p',
        JSON.stringify({ status: { clientCertificateData: cert, clientKeyData: key } }),
      ),
    ).toEqual({ clientCertificateData: cert, clientKeyData: key });
    expect(() => parseExecCredential('p', JSON.stringify({ status: { clientKeyData: 'K' } }))).toThrow(
      ExecPluginError,
    );
    expect(() =>
      parseExecCredential('p', JSON.stringify({ status: { token: 't', expirationTimestamp: 'soon' } })),
    ).toThrow(/unreadable status.expirationTimestamp "soon"/);
  });
});

describe('an exec credential that cannot be sent', () => {
  it('a token with a line break is refused, naming the plugin and the field, never the token', () => {
    const parse = () =>
      parseExecCredential('aws', JSON.stringify({ status: { token: 'k8s-aws-v1.secret\r\nX-Injected: 1' } }));
    expect(parse).toThrow(ExecPluginError);
    expect(parse).toThrow(
      'the status.token exec plugin `aws` printed contains a line break, which an HTTP Authorization header cannot carry',
    );
    expect(() => parse()).not.toThrow(/secret/);
  });

  it('a certificate or key that is not PEM is refused, naming which', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----\n';
    expect(() =>
      parseExecCredential(
        'p',
        JSON.stringify({ status: { clientCertificateData: cert, clientKeyData: 'a2V5' } }),
      ),
    ).toThrow('the status.clientKeyData exec plugin `p` printed holds no PEM private key');
    expect(() =>
      parseExecCredential(
        'p',
        JSON.stringify({ status: { clientCertificateData: 'Qw==', clientKeyData: 'K' } }),
      ),
    ).toThrow('the status.clientCertificateData exec plugin `p` printed holds no PEM certificate');
  });
});

describe('exec credential plugins that print too much or leak', () => {
  it('stops a plugin that floods stdout, with an error naming it, instead of reading it all', async () => {
    const provider = createExecCredentialProvider({ env, timeoutMs: 20_000 });
    await expect(provider.get('k', plugin('flood-plugin.mjs'), cluster)).rejects.toThrow(
      'exec plugin `node` printed more than 1 MiB on stdout: it was stopped',
    );
  });

  it('stops a plugin that floods stderr at its own, smaller limit', async () => {
    const provider = createExecCredentialProvider({ env, timeoutMs: 20_000, maxStderr: 8 * 1024 });
    await expect(
      provider.get(
        'k',
        plugin('flood-plugin.mjs', { args: [join(plugins, 'flood-plugin.mjs'), 'stderr'] }),
        cluster,
      ),
    ).rejects.toThrow('exec plugin `node` printed more than 8 KiB on stderr: it was stopped');
  });

  it('shows only a short excerpt of non-JSON output, without control characters or secrets', async () => {
    const provider = createExecCredentialProvider({ env });
    const error = await provider.get('k', plugin('leaky-plugin.mjs'), cluster).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ExecPluginError);
    const message = error?.message ?? '';
    expect(message).toMatch(
      /^exec plugin `node` printed something that is not JSON: "login ok token=\[redacted\]/,
    );
    expect(message).not.toMatch(/s3cr3t|eyJ|c2lnbmF0dXJl/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the message must hold none
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('the sanitized excerpt of plugin output', () => {
  it('redacts tokens in every form it knows and cuts to the limit', () => {
    expect(sanitizedExcerpt('Authorization: Bearer abc.def-ghi', 80)).toBe(
      'Authorization: Bearer [redacted]',
    );
    expect(sanitizedExcerpt('{"password": "hunter2", "user": "ann"}', 80)).toBe(
      '{"password": [redacted], "user": "ann"}',
    );
    expect(sanitizedExcerpt('AKIAIOSFODNN7EXAMPLE1234 is the key id', 80)).toBe('[redacted] is the key id');
    expect(sanitizedExcerpt('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- done', 80)).toBe(
      '[redacted] done',
    );
    expect(sanitizedExcerpt('the authentication-provider-is-not-configured', 80)).toBe(
      'the authentication-provider-is-not-configured',
    );
    const long = sanitizedExcerpt('a b '.repeat(100), 20);
    expect([...long].length).toBe(20);
    expect(long.endsWith('…')).toBe(true);
  });
});
