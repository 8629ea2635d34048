import { create } from 'zustand';
import type { ServiceSummary } from '../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { ApiClient } from '../api/api-client.ts';
import { searchKeyOf } from './service-search.ts';
import { applyServiceChanges, type SortedServices, sortedServices } from './services-sorted.ts';

export interface ContextServices extends SortedServices {
  loading: boolean;
  error?: ApiError;
  /** The list comes from the context's offline snapshot taken then (read-only). */
  snapshotAt?: string;
}

interface ServicesState {
  byContext: Record<string, ContextServices>;
  load(contextId: string): Promise<void>;
  applyChanges(contextId: string, upserts: ServiceSummary[], removed: string[]): void;
}

function build(sorted: SortedServices, loading: boolean, snapshotAt?: string): ContextServices {
  const { byId, list, namespaces, namespaceCounts } = sorted;
  return { byId, list, namespaces, namespaceCounts, loading, ...(snapshotAt ? { snapshotAt } : {}) };
}

const empty = () => sortedServices([]);

/** The services of every open cluster, as main reports them (a list, then deltas by event). */
export function createServicesStore(api: ApiClient) {
  const store = create<ServicesState>()((set, get) => ({
    byContext: {},
    async load(contextId) {
      const before = get().byContext[contextId];
      set((s) => ({
        byContext: { ...s.byContext, [contextId]: { ...(before ?? build(empty(), true)), loading: true } },
      }));
      const result = await api.call('services.list', { contextId });
      // The console benchmark times the list from here (the data arrived) to its layout; the detail
      // says how many came (none: main was still syncing, and deltas fill the list later).
      performance.mark('switchyard:services-data', { detail: result.ok ? result.value.services.length : 0 });
      set((s) => ({
        byContext: {
          ...s.byContext,
          [contextId]: result.ok
            ? build(sortedServices(result.value.services), false, result.value.snapshotAt)
            : { ...(s.byContext[contextId] ?? build(empty(), false)), loading: false, error: result.error },
        },
      }));
    },
    applyChanges(contextId, upserts, removed) {
      const current = get().byContext[contextId];
      if (!current || current.loading) return;
      const next = applyServiceChanges(current, upserts, removed);
      // Deltas come from a live session only: the list is live from here on.
      if (next === current && current.snapshotAt === undefined && !current.error) return;
      set((s) => ({ byContext: { ...s.byContext, [contextId]: build(next, false) } }));
    },
  }));
  api.on('services.changed', (e) => store.getState().applyChanges(e.contextId, e.upserts, e.removed));
  return store;
}

export type ServicesStore = ReturnType<typeof createServicesStore>;

/** Case-insensitive match on name, namespace or host; every word must match. */
export function filterServices(
  list: readonly ServiceSummary[],
  search: string,
  namespace: string,
): ServiceSummary[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0 && namespace === '') return list as ServiceSummary[];
  return list.filter(
    (s) =>
      (namespace === '' || s.namespace === namespace) &&
      (words.length === 0 || matchesWords(searchKeyOf(s), words)),
  );
}

function matchesWords(key: string, words: readonly string[]): boolean {
  for (const w of words) if (!key.includes(w)) return false;
  return true;
}
