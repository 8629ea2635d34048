import { createServer, Agent as HttpAgentClass, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Agent as HttpsAgent, get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createKeptAliveAgents } from '../../../main/core/cluster/kube-http-agents.ts';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import { createExecCredentialProvider } from '../../../main/core/kubeconfig/exec-credential-plugin.ts';
import { buildKubeConfig } from '../../../main/core/kubeconfig/kube-client-config.ts';
import { demoTls } from '../../../main/demo/tls.ts';

// Requests to the API server reuse an open connection (client-node builds a new agent, so a new
// connection and TLS handshake, for every request): one fewer round trip and handshake on each read
// and write of an apply. A GET whose reused connection the server had closed is sent again once;
// a write is not (the server may have acted on it).

async function apiServer(
  handle?: (req: IncomingMessage, res: ServerResponse, nthOnSocket: number) => boolean,
) {
  let connections = 0;
  const perSocket = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    if (handle?.(req, res, n)) return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', method: req.method }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function client(server: string) {
  const resolved = {
    context: { name: 'ctx', cluster: 'c', user: 'u', file: '/k' },
    cluster: { name: 'c', server, insecureSkipTlsVerify: false, file: '/k' },
    user: { name: 'u', file: '/k', token: 't' },
  };
  return createKubeHttpClient(
    await buildKubeConfig(resolved, createExecCredentialProvider({ env: () => ({}) })),
  );
}

describe('requests to the API server', () => {
  it('reuse one connection, one after the other', async () => {
    const s = await apiServer();
    try {
      const c = await client(s.url);
      for (let i = 0; i < 3; i++) await c.request({ path: '/api/v1/namespaces/istio-system/pods' });
      await c.request({ method: 'PATCH', path: '/apis/x/v1/y', body: [] });
      expect(s.connections()).toBe(1);
    } finally {
      s.close();
    }
  });

  it('send a GET again when the server dropped the reused connection without answering', async () => {
    // The second request on a connection is cut off, as by a server that closed it while idle.
    const s = await apiServer((req, _res, n) => {
      if (n < 2) return false;
      req.socket.destroy();
      return true;
    });
    try {
      const c = await client(s.url);
      await c.request({ path: '/api/v1/pods' });
      await expect(c.request({ path: '/api/v1/pods' })).resolves.toEqual({ kind: 'Status', method: 'GET' });
      expect(s.connections()).toBe(2);
    } finally {
      s.close();
    }
  });

  it('do not send a write again: its failure is the caller’s to handle', async () => {
    const s = await apiServer((req, _res, n) => {
      if (n < 2) return false;
      req.socket.destroy();
      return true;
    });
    try {
      const c = await client(s.url);
      await c.request({ path: '/api/v1/pods' });
      await expect(c.request({ method: 'PATCH', path: '/apis/x/v1/y', body: [] })).rejects.toThrow(
        /cannot reach/,
      );
      expect(s.connections()).toBe(1);
    } finally {
      s.close();
    }
  });
});

describe('the kept-alive agents', () => {
  const agent = (cert: string) => new HttpsAgent({ ca: Buffer.from('ca'), cert: Buffer.from(cert) });

  it('keep one pool per TLS identity: a renewed client certificate gets a new one', () => {
    const agents = createKeptAliveAgents();
    const first = agents.reuse(agent('cert-1'));
    expect(agents.reuse(agent('cert-1'))).toBe(first);
    expect((first as HttpsAgent & { keepAlive?: boolean }).keepAlive).toBe(true);
    const renewed = agents.reuse(agent('cert-2'));
    expect(renewed).not.toBe(first);
    expect(agents.reuse(agent('cert-2'))).toBe(renewed);
  });

  it('leave a proxy agent (proxy-url) as it is', () => {
    class ProxyAgent extends HttpsAgent {}
    const proxy = new ProxyAgent();
    expect(createKeptAliveAgents().reuse(proxy)).toBe(proxy);
  });

  it('share one TLS context per identity, pooled or a connection of its own, so it is not rebuilt per connection', async () => {
    const tls = await demoTls();
    const agents = createKeptAliveAgents();
    const contextOf = (a: unknown) =>
      (a as HttpsAgent & { options: { secureContext?: unknown } }).options.secureContext;
    const pooled = agents.reuse(new HttpsAgent({ ca: tls.caCert }));
    const watch = agents.ownConnection(new HttpsAgent({ ca: tls.caCert }));
    expect(contextOf(pooled)).toBeDefined();
    expect(contextOf(watch)).toBe(contextOf(pooled));
    expect(agents.ownConnection(new HttpsAgent({ ca: tls.caCert }))).not.toBe(watch);
    // Another identity (here another CA list) gets a context of its own.
    const other = agents.ownConnection(new HttpsAgent({ ca: [tls.caCert, tls.cert] }));
    expect(contextOf(other)).toBeDefined();
    expect(contextOf(other)).not.toBe(contextOf(watch));
    // What Node cannot make a context of is left to each connection, which fails as it always did.
    const malformed = agents.ownConnection(new HttpsAgent({ ca: Buffer.from('ca'), cert: Buffer.from('x') }));
    expect(contextOf(malformed)).toBeUndefined();
    // A plain http agent has no TLS: a connection of its own keeps it.
    const plain = new HttpAgentClass();
    expect(agents.ownConnection(plain)).toBe(plain);
  });

  it("verify the server with the shared context: the identity's CA is trusted, another is not", async () => {
    const tls = await demoTls();
    const server = createHttpsServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const fetchWith = (agent: unknown) =>
      new Promise<string>((ok, fail) => {
        httpsGet(url, { agent: agent as HttpsAgent }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => ok(body));
        }).on('error', fail);
      });
    try {
      const agents = createKeptAliveAgents();
      expect(await fetchWith(agents.ownConnection(new HttpsAgent({ ca: tls.caCert })))).toBe('ok');
      expect(await fetchWith(agents.reuse(new HttpsAgent({ ca: tls.caCert })))).toBe('ok');
      // The server's certificate is not a CA: trusting only it must fail the handshake.
      const wrong = createKeptAliveAgents().ownConnection(new HttpsAgent({ ca: tls.cert }));
      await expect(fetchWith(wrong)).rejects.toThrow();
      (agents.reuse(new HttpsAgent({ ca: tls.caCert })) as HttpsAgent).destroy();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
