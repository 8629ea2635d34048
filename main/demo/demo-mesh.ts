// The embedded demo mesh: store + seed objects + API server + simulation, and the kubeconfig
// that points kubectl and the app at it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoUsers } from './auth/demo-users.ts';
import { DemoFaults } from './faults.ts';
import { demoKubeconfigYaml, writeDemoKubeconfig } from './kubeconfig-writer.ts';
import { generatedNamespaceObjects } from './seed/generated-services.ts';
import { seedParts } from './seed/seed-objects.ts';
import { startApiServer } from './server/api-server.ts';
import { type RegisterServiceProxy, ServiceProxyRegistry } from './server/service-proxy.ts';
import { generatedFiller } from './sim/generated-filler.ts';
import { type Simulation, startSimulation } from './sim/simulation.ts';
import { crdObjects } from './store/crd-objects.ts';
import { MemoryObjectStore } from './store/memory-object-store.ts';
import type { KubeObject } from './store/object-store.ts';
import { demoTls } from './tls.ts';

export interface DemoMeshOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Where to write the kubeconfig; default: a fresh file in the OS temp folder. */
  kubeconfigPath?: string;
  /** Serve plain HTTP instead of HTTPS. */
  http?: boolean;
  seed?: number;
  /** Extra generated services beyond the demo apps (scale tests). */
  services?: number;
  podReadyDelayMs?: number;
  requestsPerSecond?: number;
  /** How often the demo Prometheus samples every series (default 5 s; tests with short windows use less). */
  scrapeIntervalMs?: number;
  /** Run without the simulation (no controllers, traffic or Prometheus): a bare API server. */
  simulation?: boolean;
  /** Objects to load instead of the seed (namespaces first). */
  objects?: KubeObject[];
  /** How many past events a watch can resume from (default 1000). */
  eventWindow?: number;
  /** Fixed tokens (tests); random per run by default. */
  tokens?: { admin?: string; viewer?: string; team?: string };
}

export interface DemoMesh {
  url: string;
  port: number;
  kubeconfigPath: string;
  kubeconfigYaml: string;
  tokens: { admin: string; viewer: string; team: string };
  /** PEM of the CA that signed the server certificate (absent with http). */
  caCert?: string;
  store: MemoryObjectStore;
  faults: DemoFaults;
  registerServiceProxy: RegisterServiceProxy;
  /** The simulated traffic (absent with `simulation: false`): tests send single visits through it. */
  simulation?: Simulation;
  stop(): Promise<void>;
}

export async function startDemoMesh(options: DemoMeshOptions = {}): Promise<DemoMesh> {
  const store = new MemoryObjectStore(
    options.eventWindow !== undefined ? { eventWindow: options.eventWindow } : {},
  );
  const seed = options.seed ?? 1;
  const services = options.services ?? 0;
  for (const obj of crdObjects()) store.create(obj, { manager: 'switchyard-demo', skipValidation: true });
  if (options.objects) {
    for (const obj of options.objects) store.create(obj, { manager: 'switchyard-demo' });
  } else {
    const { objects, generatedIps } = seedParts({ seed, services });
    for (const obj of objects) store.create(obj, { manager: 'switchyard-demo' });
    // The generated services are templates until first written (at 50,000 the objects themselves
    // would take gigabytes and minutes to create and settle).
    if (services > 0) {
      for (const ns of generatedNamespaceObjects(services)) store.create(ns, { manager: 'switchyard-demo' });
      store.loadTemplates(generatedFiller({ seed, clusterIps: generatedIps }));
    }
  }

  const users = createDemoUsers(options.tokens);
  const faults = new DemoFaults();
  const proxies = new ServiceProxyRegistry();
  const tls = options.http ? undefined : await demoTls();
  const server = await startApiServer({
    store,
    users,
    faults,
    proxies,
    ...(tls ? { tls } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });

  const simulation =
    options.simulation === false
      ? undefined
      : startSimulation({
          store,
          registerServiceProxy: proxies.register,
          faults,
          seed,
          services,
          podReadyDelayMs: options.podReadyDelayMs ?? 1500,
          requestsPerSecond: options.requestsPerSecond ?? 20,
          ...(options.scrapeIntervalMs !== undefined ? { scrapeIntervalMs: options.scrapeIntervalMs } : {}),
        });

  const tokens = { admin: users.admin.token, viewer: users.viewer.token, team: users.team.token };
  const kubeconfigYaml = demoKubeconfigYaml({
    url: server.url,
    ...(tls ? { caCert: tls.caCert } : {}),
    tokens,
  });
  const kubeconfigPath =
    options.kubeconfigPath ?? join(mkdtempSync(join(tmpdir(), 'switchyard-demo-')), 'kubeconfig');
  await writeDemoKubeconfig(kubeconfigPath, kubeconfigYaml);

  let stopping: Promise<void> | undefined;
  const mesh: DemoMesh = {
    url: server.url,
    port: server.port,
    kubeconfigPath,
    kubeconfigYaml,
    tokens,
    store,
    faults,
    registerServiceProxy: proxies.register,
    stop: () => {
      stopping ??= (async () => {
        await simulation?.stop();
        await server.close();
      })();
      return stopping;
    },
  };
  if (tls) mesh.caCert = tls.caCert;
  if (simulation) mesh.simulation = simulation;
  return mesh;
}
