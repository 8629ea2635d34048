// Connecting with a token, token-file, certificate or exec kubeconfig never loads
// @kubernetes/client-node (its ~940 modules stalled main's event loop for 75-90 ms on the first
// connect); a legacy auth-provider still works through it, loading it only then.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import { createExecCredentialProvider } from '../../../main/core/kubeconfig/exec-credential-plugin.ts';
import { contextCredentials } from '../../../main/core/kubeconfig/kube-client-config.ts';
import type { ResolvedContext } from '../../../main/core/kubeconfig/kubeconfig-types.ts';
import { demoTls } from '../../../main/demo/tls.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

// Whether the module was ever loaded in this file's worker (the native cases run first, so one
// that loads it fails every native case after it), and how many KubeConfigs were made.
const clientNode = vi.hoisted(() => ({ loaded: false, kubeConfigs: 0 }));
vi.mock('@kubernetes/client-node', async (importOriginal) => {
  clientNode.loaded = true;
  const original = await importOriginal<typeof import('@kubernetes/client-node')>();
  class CountedKubeConfig extends original.KubeConfig {
    constructor() {
      super();
      clientNode.kubeConfigs++;
    }
  }
  return { ...original, KubeConfig: CountedKubeConfig };
});

const dir = mkdtempSync(join(tmpdir(), 'switchyard-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function resolved(
  server: string,
  user: Partial<ResolvedContext['user']>,
  cluster: Partial<ResolvedContext['cluster']> = {},
): ResolvedContext {
  return {
    context: { name: 'ctx', cluster: 'c', user: 'u', file: '/k' },
    cluster: { name: 'c', server, insecureSkipTlsVerify: false, file: '/k', ...cluster },
    user: { name: 'u', file: '/k', ...user },
  };
}

interface Seen {
  headers: IncomingHttpHeaders;
  clientCert?: string;
}

async function listen(server: ReturnType<typeof createHttpServer>, scheme: string) {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const answer =
  (seen: Seen[]) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const cert = (req.socket as Partial<TLSSocket>).getPeerCertificate?.();
    seen.push({ headers: req.headers, ...(cert?.subject ? { clientCert: String(cert.subject.CN) } : {}) });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"gitVersion":"v1.31.0"}');
  };

async function connectOnce(r: ResolvedContext, exec = createExecCredentialProvider({ env: () => ({}) })) {
  const client = createKubeHttpClient(await contextCredentials(r, exec));
  return client.request({ path: '/version' });
}

describe('connecting without @kubernetes/client-node', () => {
  it('a bearer token over plain http, and a token file', async () => {
    const seen: Seen[] = [];
    const server = createHttpServer(answer(seen));
    const url = await listen(server, 'http');
    try {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, 'from-file\n');
      expect(await connectOnce(resolved(url, { token: 'abc' }))).toEqual({ gitVersion: 'v1.31.0' });
      await connectOnce(resolved(url, { tokenFile }));
      expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer abc', 'Bearer from-file']);
      expect(clientNode).toEqual({ loaded: false, kubeConfigs: 0 });
    } finally {
      server.close();
    }
  });

  it('a client certificate and key from files, the CA as data, over https', async () => {
    const tls = await demoTls();
    const client = await generate([{ name: 'commonName', value: 'switchyard-test-client' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
    });
    const clientCertificate = join(dir, 'client.crt');
    const clientKey = join(dir, 'client.key');
    writeFileSync(clientCertificate, client.cert);
    writeFileSync(clientKey, client.private);
    const seen: Seen[] = [];
    const server = createHttpsServer(
      { cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: false },
      answer(seen),
    );
    const url = await listen(server, 'https');
    try {
      const r = resolved(
        url,
        { clientCertificate, clientKey, impersonate: 'jane' },
        { certificateAuthorityData: Buffer.from(tls.caCert).toString('base64') },
      );
      expect(await connectOnce(r)).toEqual({ gitVersion: 'v1.31.0' });
      expect(seen[0]?.clientCert).toBe('switchyard-test-client');
      expect(seen[0]?.headers['impersonate-user']).toBe('jane');
      expect(clientNode).toEqual({ loaded: false, kubeConfigs: 0 });
    } finally {
      server.close();
    }
  });

  it('an exec plugin', async () => {
    const seen: Seen[] = [];
    const server = createHttpServer(answer(seen));
    const url = await listen(server, 'http');
    try {
      const exec = createExecCredentialProvider({
        env: () => ({ PATH: process.env.PATH, PLUGIN_SUFFIX: 'lazy' }),
      });
      const user = {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: process.execPath,
          args: [join(repoRoot, 'test/fixtures/kubeconfigs/plugins/token-plugin.mjs')],
          env: [],
          provideClusterInfo: false,
        },
      };
      await connectOnce(resolved(url, user), exec);
      expect(seen[0]?.headers.authorization).toBe('Bearer tok-lazy-no-cluster-info');
      expect(clientNode).toEqual({ loaded: false, kubeConfigs: 0 });
    } finally {
      server.close();
    }
  });
});

describe('a legacy auth-provider', () => {
  it('still works, through client-node, loaded then', async () => {
    const seen: Seen[] = [];
    const server = createHttpServer(answer(seen));
    const url = await listen(server, 'http');
    // An unexpired id-token: client-node's OIDC authenticator sends it without asking the issuer.
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = `${part({ alg: 'none' })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
    try {
      const authProvider = { name: 'oidc', config: { 'id-token': idToken, 'client-id': 'switchyard' } };
      expect(await connectOnce(resolved(url, { authProvider }))).toEqual({ gitVersion: 'v1.31.0' });
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${idToken}`);
      expect(clientNode).toEqual({ loaded: true, kubeConfigs: 1 });
    } finally {
      server.close();
    }
  });
});
