import { create } from 'zustand';
import type { AppInfo, ContextSummary, DemoStatus, KubeconfigProblem } from '../../../shared/api/contract.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { ApiClient } from '../api/api-client.ts';

interface ClustersState {
  appInfo?: AppInfo;
  contexts: ContextSummary[];
  problems: KubeconfigProblem[];
  demo: DemoStatus;
  loading: boolean;
  error?: ApiError;
  connection: 'connecting' | 'open' | 'closed';
  connectionReason?: string;
  openingDemo: boolean;
  load(): Promise<void>;
  openDemo(): Promise<void>;
}

/** Contexts and their status, as main reports them; this store only mirrors main's truth. */
export function createClustersStore(api: ApiClient) {
  const store = create<ClustersState>()((set) => ({
    contexts: [],
    problems: [],
    demo: { running: false },
    loading: true,
    connection: 'connecting',
    openingDemo: false,
    async load() {
      set({ loading: true });
      const [info, list, demo] = await Promise.all([
        api.call('app.info', {}),
        api.call('contexts.list', {}),
        api.call('demo.status', {}),
      ]);
      set({
        loading: false,
        ...(info.ok ? { appInfo: info.value } : { error: info.error }),
        ...(list.ok
          ? { contexts: list.value.contexts, problems: list.value.problems }
          : { error: list.error }),
        ...(demo.ok ? { demo: demo.value } : {}),
      });
    },
    async openDemo() {
      set({ openingDemo: true });
      const result = await api.call('demo.open', {});
      set(
        result.ok ? { openingDemo: false, demo: result.value } : { openingDemo: false, error: result.error },
      );
    },
  }));
  api.on('contexts.changed', (list) => store.setState({ contexts: list.contexts, problems: list.problems }));
  api.on('demo.changed', (demo) => store.setState({ demo }));
  api.transport.onStatus((status) =>
    store.setState(
      status.state === 'open'
        ? { connection: 'open' }
        : { connection: 'closed', connectionReason: status.reason },
    ),
  );
  return store;
}

export type ClustersStore = ReturnType<typeof createClustersStore>;
