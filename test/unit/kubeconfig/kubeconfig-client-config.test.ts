import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKubeHttpClient, KubeConnectionError } from '../../../main/core/cluster/kube-http-client.ts';
import { createExecCredentialProvider } from '../../../main/core/kubeconfig/exec-credential-plugin.ts';
import {
  buildKubeConfig,
  contextCredentials,
  missingCredentialFiles,
} from '../../../main/core/kubeconfig/kube-client-config.ts';
import type { ResolvedContext } from '../../../main/core/kubeconfig/kubeconfig-types.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

const plugins = join(repoRoot, 'test/fixtures/kubeconfigs/plugins');

function resolved(
  server: string,
  user: Partial<ResolvedContext['user']> = {},
  cluster: Partial<ResolvedContext['cluster']> = {},
): ResolvedContext {
  return {
    context: { name: 'ctx', cluster: 'c', user: 'u', file: '/k', namespace: 'shop' },
    cluster: { name: 'c', server, insecureSkipTlsVerify: false, file: '/k', ...cluster },
    user: { name: 'u', file: '/k', ...user },
  };
}

async function echoServer() {
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"gitVersion":"v1.31.0"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => server.close(),
  };
}

const noExec = createExecCredentialProvider({ env: () => ({}) });

// Each case through what connect uses (our credentials; client-node for a proxy-url) and through
// client-node's KubeConfig (the fallback for a legacy auth-provider): the same requests, the same errors.
describe.each([
  { path: 'our request credentials', credentialsOf: contextCredentials },
  { path: 'a client-node KubeConfig', credentialsOf: buildKubeConfig },
])('client configuration for one context, through $path', ({ credentialsOf }) => {
  it('talks to a plain http:// server without insecure-skip-tls-verify (no TLS to verify) and sends the token', async () => {
    const s = await echoServer();
    try {
      const client = createKubeHttpClient(await credentialsOf(resolved(s.url, { token: 'abc' }), noExec));
      expect(await client.request({ path: '/version' })).toEqual({ gitVersion: 'v1.31.0' });
      expect(s.seen[0]?.authorization).toBe('Bearer abc');
    } finally {
      s.close();
    }
  });

  it('gets the bearer token from an exec plugin run with the login-shell environment', async () => {
    const s = await echoServer();
    try {
      const exec = createExecCredentialProvider({
        env: () => ({ PATH: process.env.PATH, PLUGIN_SUFFIX: 'shell' }),
      });
      const user = {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: process.execPath,
          args: [join(plugins, 'token-plugin.mjs')],
          env: [],
          provideClusterInfo: false,
        },
      };
      const client = createKubeHttpClient(await credentialsOf(resolved(s.url, user), exec));
      await client.request({ path: '/version' });
      expect(s.seen[0]?.authorization).toBe('Bearer tok-shell-no-cluster-info');
    } finally {
      s.close();
    }
  });

  it('fails a request with the plugin’s timeout error when the exec plugin hangs', async () => {
    const exec = createExecCredentialProvider({ env: () => ({ PATH: process.env.PATH }), timeoutMs: 300 });
    const user = {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: join(plugins, 'hanging-plugin.mjs'),
        args: [],
        env: [],
        provideClusterInfo: false,
      },
    };
    const client = createKubeHttpClient(await credentialsOf(resolved('http://127.0.0.1:1', user), exec));
    await expect(client.request({ path: '/version' })).rejects.toThrow(
      'exec plugin `hanging-plugin.mjs` did not answer within 0.3 s',
    );
  });

  it('sends basic auth for a username and password user', async () => {
    const s = await echoServer();
    try {
      const client = createKubeHttpClient(
        await credentialsOf(resolved(s.url, { username: 'exp', password: 'pw' }), noExec),
      );
      await client.request({ path: '/version' });
      expect(s.seen[0]?.authorization).toBe(`Basic ${Buffer.from('exp:pw').toString('base64')}`);
    } finally {
      s.close();
    }
  });

  it('goes through proxy-url when the cluster sets one', async () => {
    const target = await echoServer();
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on('connect', (req, socket) => {
      tunnels.push(req.url ?? '');
      const upstream = connect(Number(new URL(target.url).port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const kc = await credentialsOf(
        resolved('http://cluster.invalid:6443', { token: 't' }, { proxyUrl }),
        noExec,
      );
      expect(await createKubeHttpClient(kc).request({ path: '/version' })).toEqual({ gitVersion: 'v1.31.0' });
      expect(tunnels).toEqual(['cluster.invalid:6443']);
      expect(target.seen[0]?.authorization).toBe('Bearer t');
    } finally {
      proxy.closeAllConnections();
      proxy.close();
      target.close();
    }
  });

  it('says which server could not be reached', async () => {
    const client = createKubeHttpClient(
      await credentialsOf(resolved('http://127.0.0.1:1', { token: 't' }), noExec),
    );
    const err = await client.request({ path: '/version', timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeConnectionError);
    expect((err as Error).message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
  });
});

it.each([
  ['not a url', 'not a url'],
  ['an unclosed IPv6 address', 'https://[::1'],
  ['a port out of range', 'https://k:99999'],
  ['another scheme', 'ftp://k'],
])('names the cluster and its server when the server is %s', async (_, server) => {
  await expect(contextCredentials(resolved(server, { token: 't' }), noExec)).rejects.toThrow(
    `cluster "c" has server "${server}", which is not an http(s) URL (e.g. https://host:6443)`,
  );
});

it('names the missing certificate file, its field and the kubeconfig that points there', () => {
  const r = resolved('https://x', { clientCertificate: '/nowhere/client.crt' }, { file: '/k' });
  expect(missingCredentialFiles(r)).toBe(
    'cannot read client-certificate /nowhere/client.crt (user "u" in /k)',
  );
  expect(missingCredentialFiles(resolved('https://x', { token: 't' }))).toBeNull();
});
