import type { AppInfo, ContextList } from '../../shared/api/contract.ts';
import type { ApiHandlers, EventSink } from './api-dispatch.ts';
import { checkEvent } from './api-dispatch.ts';
import type { StartDemo } from './demo-launcher.ts';
import { createDemoLauncher } from './demo-launcher.ts';
import { createDraftsService } from './drafts/drafts-service.ts';
import { appHandlers } from './handlers/app.ts';
import { createConsoleHandlers } from './handlers/console-handlers.ts';
import { draftHandlers } from './handlers/drafts.ts';
import { metricsHandlers } from './handlers/metrics.ts';
import { kubeconfigPaths, listKubeconfigContexts } from './kubeconfig-contexts.ts';
import { createMetricsService } from './metrics/metrics-service.ts';
import { createPrometheusSettingsStore } from './metrics/prometheus-settings-store.ts';
import type { DemoRequests } from './services/sample-traffic.ts';

export interface AppCoreDependencies {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  startDemo: StartDemo;
  /** The demo's visitor population (traffic estimates, the preview's default sample). */
  demoRequests?: DemoRequests;
}

export interface AppCore {
  handlers: ApiHandlers;
  /**
   * Subscribes a transport to main's events; returns the unsubscribe. With a clientId (one page or
   * window) the sink gets the events for everyone plus that client's own, and unsubscribing drops
   * what that client watched.
   */
  subscribe(sink: EventSink, clientId?: string): () => void;
  /** The client's page started over (an Electron window reloaded): forget what it watched. */
  clientReset(clientId: string): void;
  /** Opens the demo mesh when the operator has no kubeconfig context at all (first run). */
  openDemoIfNoContexts(): Promise<boolean>;
  /**
   * The same decision, but resolves as soon as the demo mesh has begun to start (`demo.status` then
   * says `starting`), so the first screen need not wait for it; `started` settles when it runs.
   */
  beginDemoIfNoContexts(after?: Promise<unknown>): Promise<{ began: boolean; started: Promise<void> }>;
  /** Begins to start the demo mesh (once `after` settles, when given); `demo.status` says starting. */
  beginDemo(after?: Promise<unknown>): { started: Promise<void> };
  dispose(): Promise<void>;
}

/** Main's services behind the contract: each transport wires these handlers, nothing else. */
export function createAppCore(deps: AppCoreDependencies): AppCore {
  const sinks = new Map<EventSink, string | undefined>();
  const emit: EventSink = (event, payload, to) => {
    const checked = checkEvent(event, payload);
    for (const [sink, clientId] of sinks) if (to === undefined || to === clientId) sink(event, checked, to);
  };

  const demo = createDemoLauncher(deps.startDemo, (status) => {
    emit('demo.changed', status);
    void listContexts().then((list) => emit('contexts.changed', list));
  });

  async function listContexts(): Promise<ContextList> {
    return consoleHandlers.listContexts();
  }

  const consoleHandlers = createConsoleHandlers({
    dataDir: deps.dataDir,
    env: deps.env,
    emit,
    demoKubeconfig: () => demo.current()?.kubeconfigPath,
    ...(deps.demoRequests ? { demoRequests: deps.demoRequests } : {}),
    // The promote gate reads the same Prometheus as the charts (a URL set in settings included).
    prometheusFor: async (contextId) => {
      const found = await metrics.prometheusFor(contextId);
      return 'none' in found ? found : found.client;
    },
    // A saved draft applied to a fleet is merged with each cluster's live objects by the drafts service.
    fleet: { drafts: (draftId) => drafts.forFleet(draftId) },
  });

  consoleHandlers.onContextsChanged(() => {
    void listContexts().then((list) => emit('contexts.changed', list));
  });

  const metrics = createMetricsService({
    session: (contextId) => consoleHandlers.session(contextId),
    settings: createPrometheusSettingsStore(deps.dataDir),
    emit,
  });

  const drafts = createDraftsService({
    dataDir: deps.dataDir,
    emit,
    draftBase: (contextId, releaseId) => consoleHandlers.draftBase(contextId, releaseId),
    liveObjects: (contextId, keys) => consoleHandlers.liveObjects(contextId, keys),
    reviewPlan: (p) => consoleHandlers.reviewPlan(p),
  });
  const draftCalls = draftHandlers(drafts);

  const handlers: ApiHandlers = {
    ...consoleHandlers,
    ...metricsHandlers(metrics),
    ...draftCalls,
    ...appHandlers(deps, listContexts, demo),
  };
  // These are main's own, not calls of the contract.
  for (const own of [
    'dispose',
    'listContexts',
    'onContextsChanged',
    'session',
    'liveObjects',
    'reviewPlan',
    'draftBase',
  ])
    delete (handlers as Partial<Record<string, unknown>>)[own];

  return {
    handlers,
    subscribe(sink, clientId) {
      sinks.set(sink, clientId);
      return () => {
        sinks.delete(sink);
        if (clientId !== undefined) metrics.dropClient(clientId);
      };
    },
    clientReset(clientId) {
      metrics.dropClient(clientId);
    },
    async openDemoIfNoContexts() {
      const listing = await listKubeconfigContexts(kubeconfigPaths(deps.env));
      if (listing.contexts.length > 0) return false;
      await demo.open();
      return true;
    },
    async beginDemoIfNoContexts(after) {
      const listing = await listKubeconfigContexts(kubeconfigPaths(deps.env));
      if (listing.contexts.length > 0) return { began: false, started: Promise.resolve() };
      return { began: true, started: demo.open(after).then(() => undefined) };
    },
    beginDemo: (after) => ({ started: demo.open(after).then(() => undefined) }),
    async dispose() {
      sinks.clear();
      metrics.dispose();
      await consoleHandlers.dispose();
      await demo.stop();
    },
  };
}
