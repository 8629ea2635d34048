// The demo mesh as the entry points (Electron's main, `switchyard web`) hand it to the app core:
// a start function and the demo's visitor population. The core never imports the demo; it gets
// these, and reaches the running mesh only through the kubeconfig the mesh writes.

import type { MeshRequest } from '../../shared/mesh/evaluate/index.ts';
import { seededRandom } from '../../shared/mesh/evaluate/index.ts';

/** What the app needs of a running demo mesh (the core's DemoMeshHandle has this shape). */
export interface EmbeddedDemo {
  url: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

/** Extra generated services for the demo (scale tests, benchmarks): SWITCHYARD_DEMO_SERVICES=5000. */
export function demoServicesFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.SWITCHYARD_DEMO_SERVICES;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  // As many as `switchyard demo --services` takes: issue 13 measures the console at 50,000.
  if (!Number.isInteger(n) || n < 0 || n > 100_000)
    throw new Error(`SWITCHYARD_DEMO_SERVICES must be a whole number from 0 to 100000, not '${raw}'`);
  return n;
}

/**
 * The demo's visitor rate (requests per second into productpage), default 20:
 * SWITCHYARD_DEMO_RPS=100. Tests that wait for a statistical verdict use it to reach enough
 * requests in seconds instead of a minute.
 */
export function demoRequestsPerSecondFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.SWITCHYARD_DEMO_RPS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1000)
    throw new Error(
      `SWITCHYARD_DEMO_RPS must be a number of requests per second from 0 to 1000, not '${raw}'`,
    );
  return n;
}

/** The real demo mesh, loaded only when first opened. */
export async function startEmbeddedDemo(): Promise<EmbeddedDemo> {
  const { startDemoMesh } = await import('./demo-mesh.ts');
  const services = demoServicesFromEnv(process.env);
  const requestsPerSecond = demoRequestsPerSecondFromEnv(process.env);
  const mesh = await startDemoMesh({
    ...(services > 0 ? { services } : {}),
    ...(requestsPerSecond !== undefined ? { requestsPerSecond } : {}),
  });
  return { url: mesh.url, kubeconfigPath: mesh.kubeconfigPath, stop: () => mesh.stop() };
}

/** `count` requests drawn (seeded, so the preview is stable) from the demo's visitor population. */
export async function demoSampleRequests(count: number, seed = 1): Promise<MeshRequest[]> {
  // Loaded on demand: it pulls in the user-agent data set, which real-cluster sessions never need.
  const { requestPopulation, visitorHeaders } = await import('./sim/request-population.ts');
  const users = requestPopulation(seed);
  const random = seededRandom(seed);
  const out: MeshRequest[] = [];
  for (let i = 0; i < count && users.length > 0; i++) {
    const user = users[Math.floor(random() * users.length)];
    if (!user) continue;
    out.push({ method: 'GET', path: '/', headers: visitorHeaders(user, `preview-${i}`) });
  }
  return out;
}
