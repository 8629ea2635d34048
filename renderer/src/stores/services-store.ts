import { create } from 'zustand';
import type { ServiceSummary } from '../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { ApiClient } from '../api/api-client.ts';

export interface ContextServices {
  byId: Map<string, ServiceSummary>;
  /** Sorted by namespace then name; rebuilt only when the set changes. */
  list: ServiceSummary[];
  namespaces: string[];
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

const order = (a: ServiceSummary, b: ServiceSummary) =>
  a.namespace < b.namespace
    ? -1
    : a.namespace > b.namespace
      ? 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0;

function build(byId: Map<string, ServiceSummary>, loading: boolean, snapshotAt?: string): ContextServices {
  const list = [...byId.values()].sort(order);
  const namespaces = [...new Set(list.map((s) => s.namespace))];
  return { byId, list, namespaces, loading, ...(snapshotAt ? { snapshotAt } : {}) };
}

/** The services of every open cluster, as main reports them (a list, then deltas by event). */
export function createServicesStore(api: ApiClient) {
  const store = create<ServicesState>()((set, get) => ({
    byContext: {},
    async load(contextId) {
      const before = get().byContext[contextId];
      set((s) => ({
        byContext: { ...s.byContext, [contextId]: { ...(before ?? build(new Map(), true)), loading: true } },
      }));
      const result = await api.call('services.list', { contextId });
      // The console benchmark times the list from here (the data arrived) to its layout.
      performance.mark('switchyard:services-data');
      set((s) => ({
        byContext: {
          ...s.byContext,
          [contextId]: result.ok
            ? build(
                new Map(result.value.services.map((x) => [x.releaseId, x])),
                false,
                result.value.snapshotAt,
              )
            : { ...(s.byContext[contextId] ?? build(new Map(), false)), loading: false, error: result.error },
        },
      }));
    },
    applyChanges(contextId, upserts, removed) {
      const current = get().byContext[contextId];
      if (!current || current.loading) return;
      const byId = new Map(current.byId);
      for (const id of removed) byId.delete(id);
      for (const u of upserts) byId.set(u.releaseId, u);
      // Deltas come from a live session only: the list is live from here on.
      set((s) => ({ byContext: { ...s.byContext, [contextId]: build(byId, false) } }));
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
      words.every(
        (w) =>
          s.name.toLowerCase().includes(w) || s.namespace.toLowerCase().includes(w) || s.host.includes(w),
      ),
  );
}
