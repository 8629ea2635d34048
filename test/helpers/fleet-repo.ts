import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { reviewsRoute } from './reviews-route.ts';

// A GitOps repository laid out by cluster, as `switchyard split -f clusters/` meets it:
// clusters/<name>/reviews-vs.yaml (the route, with a comment to keep) and reviews-dr.yaml (its
// subsets), plus a Helm values file and a .git folder the walk must pass over.

export const FLEET_VS = (stable: number, name = 'reviews') =>
  reviewsRoute(stable, 'reviews, as this cluster routes it', name);

export const FLEET_DR = (...subsets: string[]) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  subsets:
${subsets.map((s) => `    - name: ${s}\n      labels: { version: ${s} }\n`).join('')}`;

/** Writes the repository into a fresh temp folder; `stable` is each cluster's v1 weight. */
export function fleetRepo(stable: Record<string, number> = { 'eu-1': 100, 'us-1': 90, 'ap-1': 100 }): string {
  const root = mkdtempSync(join(tmpdir(), 'sy-fleet-repo-'));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  for (const [cluster, weight] of Object.entries(stable)) {
    put(`clusters/${cluster}/reviews-vs.yaml`, FLEET_VS(weight));
    put(`clusters/${cluster}/reviews-dr.yaml`, FLEET_DR('v1', 'v2', 'v3'));
  }
  put('clusters/values.yaml', 'replicaCount: 2\nimage: { tag: 1.4.0 }\n');
  put('.git/config', '[core]\n');
  put('clusters/.hidden/evil.yaml', 'not: [yaml');
  return root;
}
