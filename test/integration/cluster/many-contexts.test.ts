import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import type { SessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createSessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createKubeconfigLoader } from '../../../main/core/kubeconfig/kubeconfig-loader.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

// A server that counts every TCP connection and answers like an empty cluster: proof that listing
// contexts contacts nothing and opening one contacts only that one.
let server: Server;
let connections = 0;
let url = '';
const dir = mkdtempSync(join(tmpdir(), 'sy-many-'));
const hanging = join(repoRoot, 'test/fixtures/kubeconfigs/plugins/hanging-plugin.mjs');

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (req.url === '/version') res.end('{"gitVersion":"v1.31.0"}');
    else if (req.url?.includes('watch=1')) setTimeout(() => res.end(), 200);
    else if (req.method === 'POST') res.end('{"status":{"allowed":true}}');
    else res.end('{"metadata":{"resourceVersion":"1"},"items":[]}');
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** 100 contexts over four files: 90 reachable, 5 at a closed port, 3 without a cluster, 2 with an exec plugin that hangs. */
function writeKubeconfigs(): string[] {
  const files: string[] = [];
  for (let f = 0; f < 3; f++) {
    const lines = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: live',
      `  cluster: {server: "${url}"}`,
    ];
    lines.push('- name: closed', '  cluster: {server: "http://127.0.0.1:1"}');
    lines.push(
      'users:',
      '- name: ops',
      '  user: {token: secret-token}',
      '- name: sso',
      '  user:',
      '    exec:',
    );
    lines.push(
      '      apiVersion: client.authentication.k8s.io/v1',
      `      command: ${hanging}`,
      '      args: []',
    );
    lines.push('contexts:');
    for (let i = 0; i < 30; i++)
      lines.push(`- name: live-${f}-${i}`, '  context: {cluster: live, user: ops, namespace: shop}');
    if (f === 0)
      for (let i = 0; i < 5; i++)
        lines.push(`- name: closed-${i}`, '  context: {cluster: closed, user: ops}');
    if (f === 1)
      for (let i = 0; i < 3; i++)
        lines.push(`- name: orphan-${i}`, '  context: {cluster: nowhere, user: ops}');
    if (f === 2)
      for (let i = 0; i < 2; i++) lines.push(`- name: sso-${i}`, '  context: {cluster: live, user: sso}');
    const file = join(dir, `config-${f}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    files.push(file);
  }
  const broken = join(dir, 'broken');
  writeFileSync(broken, 'apiVersion: v1\nclusters: [\n');
  files.push(broken);
  return files;
}

function manager(files: string[]): SessionManager {
  return createSessionManager({
    loader: createKubeconfigLoader({ env: { KUBECONFIG: files.join(delimiter) }, home: dir }),
    clock: systemClock,
    dataDir: join(dir, 'data'),
    execEnv: () => ({ PATH: process.env.PATH }),
    execTimeoutMs: 1000,
    readReleases: () => [],
    session: { requestTimeoutMs: 3000 },
  });
}

describe('a kubeconfig with 100 contexts, some broken', () => {
  let sessions: SessionManager;
  // After the outer beforeAll: the files need the counting server's URL.
  beforeAll(() => {
    sessions = manager(writeKubeconfigs());
  });
  afterAll(() => sessions.dispose());

  it('lists every context in under 200 ms and contacts no cluster', async () => {
    const started = performance.now();
    const list = await sessions.listContexts();
    const elapsed = performance.now() - started;
    expect(list.contexts).toHaveLength(100);
    expect(list.problems).toEqual([
      { file: join(dir, 'broken'), message: expect.stringMatching(/^not a valid kubeconfig/) },
    ]);
    expect(list.contexts.filter((c) => c.status === 'error').map((c) => c.name)).toEqual([
      'orphan-0',
      'orphan-1',
      'orphan-2',
    ]);
    expect(list.contexts.filter((c) => c.status === 'not-connected')).toHaveLength(97);
    // The 200 ms figure is measured by test/bench/cluster-cache.bench.ts; a loaded CI machine only
    // has to show that listing does not wait on any cluster (a connection attempt would take seconds).
    expect(elapsed).toBeLessThan(2000);
    expect(connections).toBe(0);
    expect(JSON.stringify(list)).not.toContain('secret-token');
  });

  it('contacts a cluster only when its context is opened', async () => {
    const info = await sessions.open('live-1-7');
    expect(['connected', 'read-only']).toContain(info.status);
    expect(info.serverVersion).toBe('v1.31.0');
    expect(connections).toBeGreaterThan(0);
    const list = await sessions.listContexts();
    expect(
      list.contexts.filter((c) => c.status !== 'not-connected' && c.status !== 'error').map((c) => c.name),
    ).toEqual(['live-1-7']);
  });

  it('fails a context at a closed port quickly, saying which server it could not reach', async () => {
    const started = performance.now();
    const info = await sessions.open('closed-3');
    expect(info.status).toBe('error');
    expect(info.statusReason).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('fails a context whose exec plugin hangs with a clear timeout error, and never reaches the server', async () => {
    await sessions.close('live-1-7');
    const before = connections;
    const started = performance.now();
    const info = await sessions.open('sso-0');
    expect(info.status).toBe('error');
    expect(info.statusReason).toBe('exec plugin `hanging-plugin.mjs` did not answer within 1 s');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(connections).toBe(before);
  });
});
