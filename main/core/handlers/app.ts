import type { AppInfo, ContextList, DemoStatus } from '../../../shared/api/contract.ts';
import type { ApiHandlers } from '../api-dispatch.ts';

type AppCalls = Pick<ApiHandlers, 'app.info' | 'contexts.list' | 'demo.open' | 'demo.status'>;

export interface AppFacts {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
}

/** app.*, contexts.* and demo.*: what the app is, the kubeconfig contexts, the embedded demo mesh. */
export function appHandlers(
  facts: AppFacts,
  listContexts: () => Promise<ContextList>,
  demo: { open(): Promise<DemoStatus>; status(): DemoStatus },
): AppCalls {
  return {
    'app.info': async () => ({
      name: 'Switchyard',
      version: facts.version,
      mode: facts.mode,
      platform: process.platform,
      node: process.versions.node,
      dataDir: facts.dataDir,
    }),
    'contexts.list': () => listContexts(),
    'demo.open': () => demo.open(),
    'demo.status': async () => demo.status(),
  };
}
