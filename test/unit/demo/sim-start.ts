// A demo simulation on a seeded fake store, on a manual clock, for the simulation's unit tests.
import type { ServiceProxyHandler } from '../../../main/demo/server/service-proxy.ts';
import { startSimulation } from '../../../main/demo/sim/simulation.ts';
import { seededFakeStore } from './sim-fake-store.ts';

export const SIM_START_MS = 1_700_000_000_000;

export interface ManualSimOptions {
  seed?: number;
  podReadyDelayMs?: number;
  requestsPerSecond?: number;
  scrapeIntervalMs?: number;
  /** Stale proxies and a hidden debug endpoint, read live: a test changes them as it goes. */
  faults?: { stale: string[]; hidden: boolean };
}

/** Starts the simulation at SIM_START_MS; its service proxies are kept by `ns/name:port`. */
export function startManualSimulation(options: ManualSimOptions = {}) {
  const seed = options.seed ?? 1;
  const store = seededFakeStore(seed);
  const handlers = new Map<string, ServiceProxyHandler>();
  const faults = options.faults;
  const sim = startSimulation({
    store,
    registerServiceProxy: (ns, name, port, handler) => {
      handlers.set(`${ns}/${name}:${port}`, handler);
    },
    seed,
    services: 0,
    podReadyDelayMs: options.podReadyDelayMs ?? 0,
    requestsPerSecond: options.requestsPerSecond ?? 0,
    now: () => SIM_START_MS,
    manualClock: true,
    ...(options.scrapeIntervalMs !== undefined ? { scrapeIntervalMs: options.scrapeIntervalMs } : {}),
    ...(faults ? { faults: { staleProxies: () => faults.stale, debugHidden: () => faults.hidden } } : {}),
  });
  return { store, sim, handlers };
}
