// The demo fleet: N demo meshes in one process, one port each, each with its own cluster name and
// starting state (fleet-seed.ts), and one kubeconfig with a context per cluster and user.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoMesh, type DemoMeshOptions, startDemoMesh } from '../demo-mesh.ts';
import { fleetKubeconfigYaml, writeDemoKubeconfig } from '../kubeconfig-writer.ts';
import { type FleetVariation, fleetClusterNames, fleetClusterObjects, fleetVariation } from './fleet-seed.ts';

export interface DemoFleetOptions
  extends Pick<
    DemoMeshOptions,
    'http' | 'services' | 'podReadyDelayMs' | 'requestsPerSecond' | 'scrapeIntervalMs'
  > {
  clusters: number;
  /** Where to write the fleet's kubeconfig. */
  kubeconfigPath: string;
  /** Cluster i listens on port + i; 0 or absent picks free ports. */
  port?: number;
  /** Cluster i simulates with seed + i (default seed 1). */
  seed?: number;
}

export interface DemoFleetCluster {
  /** `demo-eu-1`: the cluster's name in the kubeconfig, and the prefix of its contexts. */
  name: string;
  /** `demo-eu-1-admin`, `demo-eu-1-viewer`, `demo-eu-1-team`. */
  contexts: string[];
  variation: FleetVariation;
  mesh: DemoMesh;
}

export interface DemoFleet {
  clusters: DemoFleetCluster[];
  kubeconfigPath: string;
  kubeconfigYaml: string;
  /** Every context, admin first per cluster; the first is the current context. */
  contexts: string[];
  stop(): Promise<void>;
}

export const fleetContexts = (cluster: string) => ['admin', 'viewer', 'team'].map((u) => `${cluster}-${u}`);

export async function startDemoFleet(options: DemoFleetOptions): Promise<DemoFleet> {
  const names = fleetClusterNames(options.clusters);
  const seed = options.seed ?? 1;
  const services = options.services ?? 0;
  // Each mesh writes a kubeconfig of its own (demo-admin, …); they go to a folder removed on stop.
  const own = await mkdtemp(join(tmpdir(), 'switchyard-demo-fleet-'));
  const clusters: DemoFleetCluster[] = [];
  const stopAll = async () => {
    await Promise.all(clusters.map((c) => c.mesh.stop()));
    await rm(own, { recursive: true, force: true });
  };
  try {
    for (const [i, name] of names.entries()) {
      const mesh = await startDemoMesh({
        kubeconfigPath: join(own, `${name}.kubeconfig`),
        objects: fleetClusterObjects(i, { seed: seed + i, services }),
        seed: seed + i,
        services,
        ...(options.http !== undefined ? { http: options.http } : {}),
        ...(options.port ? { port: options.port + i } : {}),
        ...(options.podReadyDelayMs !== undefined ? { podReadyDelayMs: options.podReadyDelayMs } : {}),
        ...(options.requestsPerSecond !== undefined ? { requestsPerSecond: options.requestsPerSecond } : {}),
        ...(options.scrapeIntervalMs !== undefined ? { scrapeIntervalMs: options.scrapeIntervalMs } : {}),
      });
      clusters.push({ name, contexts: fleetContexts(name), variation: fleetVariation(i), mesh });
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const kubeconfigYaml = fleetKubeconfigYaml(
    clusters.map((c) => ({
      cluster: c.name,
      url: c.mesh.url,
      tokens: c.mesh.tokens,
      ...(c.mesh.caCert ? { caCert: c.mesh.caCert } : {}),
    })),
  );
  try {
    await writeDemoKubeconfig(options.kubeconfigPath, kubeconfigYaml);
  } catch (err) {
    await stopAll();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    clusters,
    kubeconfigPath: options.kubeconfigPath,
    kubeconfigYaml,
    contexts: clusters.flatMap((c) => c.contexts),
    stop: () => {
      stopping ??= stopAll();
      return stopping;
    },
  };
}
