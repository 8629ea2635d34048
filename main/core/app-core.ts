import type { AppInfo, ContextList, ContextSummary } from '../../shared/api/contract.ts';
import type { ApiHandlers, EventSink } from './api-dispatch.ts';
import { checkEvent } from './api-dispatch.ts';
import { createConsoleHandlers } from './console/console-handlers.ts';
import type { StartDemo } from './demo-launcher.ts';
import { createDemoLauncher, DEMO_CONTEXT_ID } from './demo-launcher.ts';
import { kubeconfigPaths, listKubeconfigContexts } from './kubeconfig-contexts.ts';

export interface AppCoreDependencies {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  startDemo: StartDemo;
}

export interface AppCore {
  handlers: ApiHandlers;
  /** Subscribes a transport to main's events; returns the unsubscribe. */
  subscribe(sink: EventSink): () => void;
  /** Opens the demo mesh when the operator has no kubeconfig context at all (first run). */
  openDemoIfNoContexts(): Promise<boolean>;
  dispose(): Promise<void>;
}

/** Main's services behind the contract: each transport wires these handlers, nothing else. */
export function createAppCore(deps: AppCoreDependencies): AppCore {
  const sinks = new Set<EventSink>();
  const emit: EventSink = (event, payload) => {
    const checked = checkEvent(event, payload);
    for (const sink of sinks) sink(event, checked);
  };

  const demo = createDemoLauncher(deps.startDemo, (status) => {
    emit('demo.changed', status);
    void listContexts().then((list) => emit('contexts.changed', list));
  });

  function demoContext(): ContextSummary {
    const running = demo.current();
    return {
      id: DEMO_CONTEXT_ID,
      name: 'Demo mesh',
      cluster: 'demo',
      user: 'demo-admin',
      source: running ? running.kubeconfigPath : 'built in',
      isDemo: true,
      status: running ? 'connected' : 'not-connected',
    };
  }

  async function listContexts(): Promise<ContextList> {
    const listing = await listKubeconfigContexts(kubeconfigPaths(deps.env));
    return { contexts: [demoContext(), ...listing.contexts], problems: listing.problems };
  }

  const consoleHandlers = createConsoleHandlers({ dataDir: deps.dataDir, env: deps.env, emit });

  const handlers: ApiHandlers = {
    ...consoleHandlers,
    'app.info': async () => ({
      name: 'Switchyard',
      version: deps.version,
      mode: deps.mode,
      platform: process.platform,
      node: process.versions.node,
      dataDir: deps.dataDir,
    }),
    'contexts.list': () => listContexts(),
    'demo.open': () => demo.open(),
    'demo.status': async () => demo.status(),
  };
  // dispose is not a call of the contract.
  delete (handlers as Partial<Record<string, unknown>>).dispose;

  return {
    handlers,
    subscribe(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    async openDemoIfNoContexts() {
      const listing = await listKubeconfigContexts(kubeconfigPaths(deps.env));
      if (listing.contexts.length > 0) return false;
      await demo.open();
      return true;
    },
    async dispose() {
      sinks.clear();
      await consoleHandlers.dispose();
      await demo.stop();
    },
  };
}
