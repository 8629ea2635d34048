import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { parse } from 'yaml';

interface DemoKubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data'?: string } }>;
  users: Array<{ name: string; user: { token: string } }>;
}

/** A JSON patch straight to the demo's API server as its admin, behind the app's back (as kubectl would). */
export function patchBehindTheAppsBack(
  kubeconfigPath: string,
  path: string,
  ops: unknown[],
): Promise<number> {
  const config = parse(readFileSync(kubeconfigPath, 'utf8')) as DemoKubeconfig;
  const cluster = config.clusters[0]?.cluster;
  const token = config.users.find((u) => u.name === 'demo-admin')?.user.token;
  if (!cluster || !token) throw new Error(`no cluster or admin token in ${kubeconfigPath}`);
  const target = new URL(path, cluster.server);
  const ca = cluster['certificate-authority-data'];
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      target,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json-patch+json' },
        ...(ca ? { ca: Buffer.from(ca, 'base64').toString('utf8') } : { rejectUnauthorized: false }),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(ops));
  });
}
