// Credentials Node's HTTP and TLS layers cannot use: the session's status says which field of which
// kubeconfig entry is wrong, not Node's or OpenSSL's message (which named neither).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import { createSessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createKubeconfigLoader } from '../../../main/core/kubeconfig/kubeconfig-loader.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

let demo: DemoMesh;
const dir = mkdtempSync(join(tmpdir(), 'sy-hostile-credentials-'));
const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeAll(async () => {
  demo = await startDemoMesh({ simulation: false, objects: [] });
});

afterAll(async () => {
  await demo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens demo-admin from the demo's kubeconfig as `edit` changes it; the session's status and reason. */
async function openWith(name: string, edit: (yaml: string) => string) {
  const file = join(dir, name);
  writeFileSync(file, edit(demo.kubeconfigYaml));
  const sessions = createSessionManager({
    loader: createKubeconfigLoader({ env: { KUBECONFIG: file }, home: dir }),
    clock: systemClock,
    dataDir: join(dir, `data-${name}`),
    execEnv: () => ({}),
    readReleases,
  });
  try {
    const info = await sessions.open('demo-admin');
    return { status: info.status, reason: info.statusReason };
  } finally {
    await sessions.dispose();
  }
}

describe('a context whose credentials cannot be used', () => {
  it('a certificate authority that holds no certificate (kubectl config view prints DATA+OMITTED)', async () => {
    const opened = await openWith('ca', (y) =>
      y.replace(/certificate-authority-data: \S+/, 'certificate-authority-data: DATA+OMITTED'),
    );
    expect(opened).toEqual({
      status: 'error',
      reason:
        'cannot use context "demo-admin": certificate-authority-data of cluster "switchyard-demo" holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    });
  });

  it('a token with a line break, which would have smuggled a header (the token is never shown)', async () => {
    const opened = await openWith('token', (y) =>
      y.replace(demo.tokens.admin, `"${demo.tokens.admin}\\r\\nX-Injected: yes"`),
    );
    expect(opened).toEqual({
      status: 'error',
      reason:
        'cannot use context "demo-admin": the token of user "demo-admin" contains a line break, which an HTTP Authorization header cannot carry',
    });
    expect(opened.reason).not.toContain(demo.tokens.admin);
  });

  it('a client key that is not PEM', async () => {
    const cert = /certificate-authority-data: (\S+)/.exec(demo.kubeconfigYaml)?.[1] ?? '';
    const opened = await openWith('key', (y) =>
      y.replace(
        /( *)token: \S+/,
        `$1client-certificate-data: ${cert}\n$1client-key-data: ${b64('not a key')}`,
      ),
    );
    expect(opened.reason).toBe(
      'cannot use context "demo-admin": client-key-data of user "demo-admin" holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)',
    );
  });

  it('a PEM key that does not belong to its certificate: OpenSSL’s reason, said to be the TLS identity’s', async () => {
    const cert = /certificate-authority-data: (\S+)/.exec(demo.kubeconfigYaml)?.[1] ?? '';
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = b64(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const opened = await openWith('mismatch', (y) =>
      y.replace(/( *)token: \S+/, `$1client-certificate-data: ${cert}\n$1client-key-data: ${key}`),
    );
    expect(opened.status).toBe('error');
    expect(opened.reason).toMatch(
      /^the client certificate, key or certificate authority of this context cannot be used for TLS: .*key values mismatch/,
    );
  });
});
