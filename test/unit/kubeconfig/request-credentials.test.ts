import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type {
  ExecCredential,
  ExecCredentialProvider,
} from '../../../main/core/kubeconfig/exec-credential-plugin.ts';
import {
  buildKubeConfig,
  kubeConfigCredentials,
  missingCredentialFiles,
} from '../../../main/core/kubeconfig/kube-client-config.ts';
import { parseKubeconfigFile } from '../../../main/core/kubeconfig/kubeconfig-parse.ts';
import type {
  KubeconfigCluster,
  KubeconfigUser,
  ResolvedContext,
} from '../../../main/core/kubeconfig/kubeconfig-types.ts';
import type {
  CredentialedRequest,
  NativeCredentialPlan,
  RequestCredentials,
} from '../../../main/core/kubeconfig/request-credentials.ts';
import {
  CREDENTIAL_FILE_MAX_BYTES,
  checkPlanData,
  createNativeCredentials,
  credentialPlan,
  requestOptionsOf,
  TOKEN_FILE_REREAD_MS,
} from '../../../main/core/kubeconfig/request-credentials.ts';
import { repoRoot, sharedReference } from '../../helpers/shared-reference.ts';

function resolved(
  server: string,
  user: Partial<KubeconfigUser> = {},
  cluster: Partial<KubeconfigCluster> = {},
): ResolvedContext {
  return {
    context: { name: 'ctx', cluster: 'c', user: 'u', file: '/k' },
    cluster: { name: 'c', server, insecureSkipTlsVerify: false, file: '/k', ...cluster },
    user: { name: 'u', file: '/k', ...user },
  };
}

function native(r: ResolvedContext): NativeCredentialPlan {
  const plan = credentialPlan(r);
  if (plan.kind !== 'native') throw new Error(`expected a native plan, got ${plan.reason}`);
  return plan;
}

const execConfig = {
  apiVersion: 'client.authentication.k8s.io/v1',
  command: 'get-token',
  args: [],
  env: [],
  provideClusterInfo: false,
};

function fakeExec(credential: ExecCredential): ExecCredentialProvider & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async get(key) {
      calls.push(key);
      return credential;
    },
    forget() {},
  };
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** PEM-shaped text (the files are read as PEM; their body need not be a real certificate here). */
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const caFile = file('ca.crt', pem('CERTIFICATE', 'CA FROM FILE'));
const certFile = file('client.crt', pem('CERTIFICATE', 'CERT FROM FILE'));
const keyFile = file('client.key', pem('PRIVATE KEY', 'KEY FROM FILE'));
const tokenFile = file('token', 'tok-from-file\n');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('which request options a context yields', () => {
  it('a bearer token over https, verified against the system CAs', () => {
    expect(credentialPlan(resolved('https://k:6443', { token: 'abc' }))).toEqual({
      kind: 'native',
      server: 'https://k:6443',
      transport: 'https',
      token: 'abc',
    });
  });

  it('a plain http:// server: an http agent and nothing to verify', () => {
    expect(credentialPlan(resolved('http://127.0.0.1:8080'))).toEqual({
      kind: 'native',
      server: 'http://127.0.0.1:8080',
      transport: 'http',
      rejectUnauthorized: false,
    });
  });

  it('CA, insecure-skip-tls-verify and tls-server-name of the cluster; a file wins over data', () => {
    const plan = native(
      resolved(
        'https://k',
        {},
        {
          certificateAuthority: '/ca.crt',
          certificateAuthorityData: b64('x'),
          insecureSkipTlsVerify: true,
          tlsServerName: 'api.internal',
        },
      ),
    );
    expect(plan).toMatchObject({
      ca: { file: '/ca.crt' },
      rejectUnauthorized: false,
      servername: 'api.internal',
    });
    expect(native(resolved('https://k', {}, { certificateAuthorityData: 'Q0E=' })).ca).toEqual({
      data: 'Q0E=',
    });
  });

  it('a client certificate and key, from files or data', () => {
    expect(native(resolved('https://k', { clientCertificate: '/c', clientKey: '/k' }))).toMatchObject({
      cert: { file: '/c' },
      key: { file: '/k' },
    });
    expect(
      native(
        resolved('https://k', { clientCertificateData: 'Yw==', clientKeyData: 'aw==', clientKey: '/k' }),
      ),
    ).toMatchObject({ cert: { data: 'Yw==' }, key: { file: '/k' } });
  });

  it('a token file only when there is neither a token nor an exec plugin', () => {
    expect(native(resolved('https://k', { tokenFile: '/t' })).tokenFile).toBe('/t');
    const both = native(resolved('https://k', { tokenFile: '/t', token: 'abc' }));
    expect(both.tokenFile).toBeUndefined();
    expect(both.token).toBe('abc');
    expect(native(resolved('https://k', { tokenFile: '/t', exec: execConfig })).tokenFile).toBeUndefined();
  });

  it('basic auth (no password is an empty one) and Impersonate-User', () => {
    expect(native(resolved('https://k', { username: 'exp', impersonate: 'jane' }))).toMatchObject({
      basic: { username: 'exp', password: '' },
      impersonateUser: 'jane',
    });
  });

  it('an exec plugin, also when the user keeps a legacy auth-provider beside it', () => {
    expect(native(resolved('https://k', { exec: execConfig })).exec).toEqual(execConfig);
    expect(
      credentialPlan(resolved('https://k', { exec: execConfig, authProvider: { name: 'oidc', config: {} } }))
        .kind,
    ).toBe('native');
  });

  it('leaves a legacy auth-provider and a proxy-url to client-node', () => {
    for (const name of ['oidc', 'gcp', 'azure', 'something-else'])
      expect(credentialPlan(resolved('https://k', { authProvider: { name, config: {} } }))).toEqual({
        kind: 'client-node',
        reason: 'auth-provider',
      });
    expect(credentialPlan(resolved('https://k', { token: 't' }, { proxyUrl: 'http://proxy:3128' }))).toEqual({
      kind: 'client-node',
      reason: 'proxy-url',
    });
  });
});

describe('the options of one request', () => {
  const readFile = (path: string) => Buffer.from(`contents of ${path}`);

  it('reads files, decodes data, and sets TLS, Impersonate-User and the bearer', () => {
    const plan = native(
      resolved(
        'https://k',
        { clientCertificate: '/c', clientKeyData: b64('KEY'), token: 'abc', impersonate: 'jane' },
        { certificateAuthorityData: b64('CA'), tlsServerName: 'api' },
      ),
    );
    expect(requestOptionsOf(plan, { readFile })).toEqual({
      tls: {
        ca: Buffer.from('CA'),
        cert: Buffer.from('contents of /c'),
        key: Buffer.from('KEY'),
        servername: 'api',
      },
      headers: { 'Impersonate-User': 'jane', Authorization: 'Bearer abc' },
    });
  });

  it('an exec credential’s certificate and key replace the kubeconfig’s; a static token wins over its token', () => {
    const plan = native(resolved('https://k', { clientCertificate: '/c', exec: execConfig }));
    const execCredential = { token: 'exec-tok', clientCertificateData: 'PEM CERT', clientKeyData: 'PEM KEY' };
    expect(requestOptionsOf(plan, { readFile, execCredential })).toEqual({
      tls: { cert: 'PEM CERT', key: 'PEM KEY' },
      headers: { Authorization: 'Bearer exec-tok' },
    });
    const withToken = native(resolved('https://k', { token: 'static', exec: execConfig }));
    expect(requestOptionsOf(withToken, { readFile, execCredential }).headers.Authorization).toBe(
      'Bearer static',
    );
  });

  it('basic auth as `user:password` beside the headers', () => {
    const plan = native(resolved('https://k', { username: 'exp', password: 'pw' }));
    expect(requestOptionsOf(plan, { readFile })).toEqual({ tls: {}, headers: {}, auth: 'exp:pw' });
  });

  it('an empty token file sends no Authorization', () => {
    const plan = native(resolved('https://k', { tokenFile: '/t' }));
    expect(requestOptionsOf(plan, { readFile, fileToken: '' }).headers).toEqual({});
  });
});

async function applied(credentials: RequestCredentials) {
  const opts: CredentialedRequest = { headers: {} };
  await credentials.apply(opts);
  const agent = opts.agent as (HttpAgent & { options: Record<string, unknown> }) | undefined;
  return {
    headers: opts.headers,
    auth: opts.auth,
    agent: agent?.constructor,
    agentOptions: Object.fromEntries(Object.entries(agent?.options ?? {}).filter(([, v]) => v !== undefined)),
  };
}

/** What the same context gives a request through client-node's KubeConfig (the fallback, and the old path). */
async function throughClientNode(r: ResolvedContext, exec: ExecCredentialProvider) {
  return applied(kubeConfigCredentials(await buildKubeConfig(r, exec)));
}

describe('the same options as client-node 1.4 gave', () => {
  const exec = fakeExec({ token: 'exec-tok', clientCertificateData: 'PEM CERT', clientKeyData: 'PEM KEY' });
  const cases: Array<[string, ResolvedContext]> = [
    ['token over https', resolved('https://k:6443', { token: 'abc' })],
    ['token over plain http', resolved('http://127.0.0.1:8080', { token: 'abc' })],
    ['anonymous', resolved('https://k', {})],
    [
      'CA data, insecure, server name',
      resolved(
        'https://k',
        {},
        { certificateAuthorityData: b64('CA'), insecureSkipTlsVerify: true, tlsServerName: 'n' },
      ),
    ],
    ['CA file', resolved('https://k', { token: 't' }, { certificateAuthority: caFile })],
    ['certificate and key files', resolved('https://k', { clientCertificate: certFile, clientKey: keyFile })],
    [
      'certificate and key data',
      resolved('https://k', { clientCertificateData: b64('C'), clientKeyData: b64('K') }),
    ],
    [
      'files over data',
      resolved('https://k', { clientCertificate: certFile, clientCertificateData: b64('C') }),
    ],
    ['basic auth', resolved('https://k', { username: 'exp', password: 'pw' })],
    ['basic auth without password', resolved('https://k', { username: 'exp' })],
    ['basic auth and token', resolved('https://k', { username: 'exp', password: 'pw', token: 't' })],
    ['impersonation', resolved('https://k', { token: 't', impersonate: 'jane' })],
    ['exec plugin', resolved('https://k', { exec: execConfig, clientCertificate: certFile })],
    ['exec plugin and static token', resolved('https://k', { exec: execConfig, token: 'static' })],
    ['token and token file', resolved('https://k', { token: 'static', tokenFile })],
  ];
  it.each(cases)('%s', async (_, r) => {
    const ours = await applied(createNativeCredentials(r, native(r), exec));
    expect(ours).toEqual(await throughClientNode(r, exec));
  });

  it('a token file (client-node sends it untrimmed, an invalid header; the newline is trimmed as client-go does)', async () => {
    const r = resolved('https://k', { tokenFile });
    const ours = await applied(createNativeCredentials(r, native(r), exec));
    const theirs = await throughClientNode(r, exec);
    expect(theirs.headers.Authorization).toBe('Bearer tok-from-file\n');
    expect(ours).toEqual({ ...theirs, headers: { Authorization: 'Bearer tok-from-file' } });
  });

  it('fails like client-node when a certificate file is gone', async () => {
    const r = resolved('https://k', { clientCertificate: join(dir, 'gone.crt'), token: 't' });
    const ours = await applied(createNativeCredentials(r, native(r), exec)).catch((e: Error) => e.message);
    const theirs = await throughClientNode(r, exec).catch((e: Error) => e.message);
    expect(ours).toMatch(/^ENOENT: no such file or directory, open '.*gone\.crt'$/);
    expect(ours).toBe(theirs);
  });
});

describe('credential text that cannot be used is refused, naming the field and its owner', () => {
  const exec = fakeExec({ token: 'exec-tok' });
  it('certificate data and a static token, at connect', () => {
    const check = (r: ResolvedContext) => () => checkPlanData(native(r), r);
    expect(check(resolved('https://k', {}, { certificateAuthorityData: b64('DATA+OMITTED') }))).toThrow(
      'certificate-authority-data of cluster "c" holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    );
    expect(
      check(
        resolved('https://k', {
          clientCertificateData: b64(pem('CERTIFICATE', 'C')),
          clientKeyData: b64(' \n'),
        }),
      ),
    ).toThrow('client-key-data of user "u" is empty');
    expect(check(resolved('https://k', { token: 'abc\ndef' }))).toThrow(
      'the token of user "u" contains a line break, which an HTTP Authorization header cannot carry',
    );
    expect(
      check(resolved('https://k', { token: 'abc', clientCertificateData: b64(pem('CERTIFICATE', 'C')) })),
    ).not.toThrow();
  });

  it('a certificate, key or CA file, as it is read for a request', async () => {
    const notPem = file('not-pem.key', 'just some bytes');
    const r = resolved('https://k', { clientCertificate: certFile, clientKey: notPem });
    await expect(applied(createNativeCredentials(r, native(r), exec))).rejects.toThrow(
      `client-key file ${notPem} (user "u") holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)`,
    );
    const ca = resolved('https://k', { token: 't' }, { certificateAuthority: keyFile });
    await expect(applied(createNativeCredentials(ca, native(ca), exec))).rejects.toThrow(
      `certificate-authority file ${keyFile} (cluster "c") holds no PEM certificate`,
    );
  });

  it('a token file with a line break inside (the ends are trimmed)', async () => {
    const twoLines = file('two-line-token', 'first\nsecond\n');
    const r = resolved('https://k', { tokenFile: twoLines });
    await expect(applied(createNativeCredentials(r, native(r), exec))).rejects.toThrow(
      `token file ${twoLines} (user "u") contains a line break`,
    );
  });
});

describe('a token file', () => {
  it('is read on the first request, then again only once a minute', async () => {
    let now = 1_000_000;
    const reads: string[] = [];
    let contents = 'first';
    const r = resolved('https://k', { tokenFile: '/t' });
    const credentials = createNativeCredentials(r, native(r), fakeExec({}), {
      now: () => now,
      readFile: (path) => {
        reads.push(path);
        return Buffer.from(contents);
      },
    });
    expect((await applied(credentials)).headers.Authorization).toBe('Bearer first');
    contents = 'second';
    now += TOKEN_FILE_REREAD_MS;
    expect((await applied(credentials)).headers.Authorization).toBe('Bearer first');
    now += 1;
    expect((await applied(credentials)).headers.Authorization).toBe('Bearer second');
    expect(reads).toEqual(['/t', '/t']);
  });
});

describe('credential files a kubeconfig names', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it.skipIf(process.platform === 'win32')(
    'a token file that is a named pipe is refused at once, naming it (reading it would block the process)',
    async () => {
      const fifo = join(dir, 'token.fifo');
      const made = spawnSync('mkfifo', [fifo]);
      if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
      // A writer that answers after 300 ms: a blocking read would wait for it and then succeed.
      children.push(spawn('sh', ['-c', `sleep 0.3; echo tok > '${fifo}'`], { stdio: 'ignore' }));
      const r = resolved('https://k', { tokenFile: fifo });
      const started = Date.now();
      const failed = await applied(createNativeCredentials(r, native(r), fakeExec({}))).catch(
        (e: Error) => e,
      );
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toBe(
        `${fifo} is a named pipe (FIFO), not a regular file: refused (reading it could block or never end)`,
      );
      expect(Date.now() - started).toBeLessThan(250);
    },
  );

  it('a CA file over the limit is refused, naming it, without being read whole', async () => {
    const big = join(dir, 'big-ca.pem');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, CREDENTIAL_FILE_MAX_BYTES + 1);
    closeSync(fd);
    const r = resolved('https://k', { token: 't' }, { certificateAuthority: big });
    await expect(applied(createNativeCredentials(r, native(r), fakeExec({})))).rejects.toThrow(
      `${big} is larger than 4 MiB: refused`,
    );
  });
});

describe('exec plugins', () => {
  it('go through our provider, keyed by the context’s user and server', async () => {
    const exec = fakeExec({ token: 'exec-tok' });
    const r = resolved('https://k', { exec: execConfig });
    expect((await applied(createNativeCredentials(r, native(r), exec))).headers).toEqual({
      Authorization: 'Bearer exec-tok',
    });
    expect(exec.calls).toEqual(['/k\u0000u\u0000https://k']);
  });
});

describe('the relative-paths fixture', () => {
  it('its rel context reads the CA, certificate and key files the kubeconfig names', () => {
    const path = join(repoRoot, 'test/fixtures/kubeconfigs/relative/config');
    const parsed = parseKubeconfigFile(path, readFileSync(path, 'utf8'));
    const user = parsed.users.find((u) => u.name === 'rel-user');
    const cluster = parsed.clusters[0];
    if (!user || !cluster) throw new Error('fixture changed');
    const plan = native({
      context: parsed.contexts[0] ?? { name: 'rel', cluster: 'rel', user: 'rel-user', file: path },
      cluster,
      user,
    });
    const fixtures = join(repoRoot, 'test/fixtures/kubeconfigs');
    expect(plan).toMatchObject({
      ca: { file: join(fixtures, 'relative/certs/ca.crt') },
      cert: { file: join(fixtures, 'relative/certs/client.crt') },
      key: { file: join(fixtures, 'relative/certs/client.key') },
      tokenFile: join(fixtures, 'token'),
    });
  });
});

if (!sharedReference.present) console.warn(sharedReference.skipReason);

describe.skipIf(!sharedReference.present)(
  'the shared reference kubeconfigs (needs ../shared/reference; skipped with the reason above when absent)',
  () => {
    /** Each user with the file's first cluster (or a stand-in), and each cluster with no user. */
    function contextsOf(name: string): ResolvedContext[] {
      const path = sharedReference.path('kubeconfigs', name);
      const parsed = parseKubeconfigFile(path, readFileSync(path, 'utf8'));
      const standIn: KubeconfigCluster = {
        name: 'stand-in',
        server: 'https://k',
        insecureSkipTlsVerify: false,
        file: path,
      };
      const context = (cluster: KubeconfigCluster, user: KubeconfigUser) => ({
        context: { name: `${cluster.name}/${user.name}`, cluster: cluster.name, user: user.name, file: path },
        cluster,
        user,
      });
      return [
        ...parsed.users.map((u) => context(parsed.clusters[0] ?? standIn, u)),
        ...parsed.clusters.map((c) => context(c, { name: '', file: path })),
      ];
    }
    const files = sharedReference.present
      ? readdirSync(sharedReference.path('kubeconfigs')).filter((f) => /\.ya?ml$/.test(f))
      : [];
    const expected: Record<string, 'auth-provider' | 'proxy-url'> = {
      'kubernetes-sigs__headlamp__kubeconfig_oidc_ca_data.yaml': 'auth-provider',
      'kubernetes__website__organize-cluster-access-kubeconfig-proxy-excerpt.yaml': 'proxy-url',
    };

    it('are all read', () => {
      expect(files.length).toBeGreaterThanOrEqual(10);
    });

    it.each(files)('%s: ours, with client-node’s options, unless it needs client-node', async (name) => {
      const exec = fakeExec({ token: 'exec-tok' });
      const contexts = contextsOf(name);
      expect(contexts.length).toBeGreaterThan(0);
      const fallback = expected[name];
      if (fallback) {
        expect(contexts.map((r) => credentialPlan(r))).toContainEqual({
          kind: 'client-node',
          reason: fallback,
        });
        return;
      }
      for (const r of contexts) {
        const plan = native(r);
        // Files these kubeconfigs name are not on this machine; compare those that name none.
        if (missingCredentialFiles(r) !== null) continue;
        expect(await applied(createNativeCredentials(r, plan, exec))).toEqual(
          await throughClientNode(r, exec),
        );
      }
    });
  },
);

it('the agents are Node’s own (kube-http-agents pools them)', async () => {
  const r = resolved('https://k', { token: 't' });
  expect((await applied(createNativeCredentials(r, native(r), fakeExec({})))).agent).toBe(HttpsAgent);
  const h = resolved('http://k', { token: 't' });
  expect((await applied(createNativeCredentials(h, native(h), fakeExec({})))).agent).toBe(HttpAgent);
});
