// The list of drafts and the actions on whole drafts: open, create, import, rename, duplicate, delete.

import type { DraftView } from '../../../shared/api/draft-schemas.ts';
import type { ApiClient } from '../api/api-client.ts';
import type { DraftsGet, DraftsSet, DraftsState } from './drafts-state.ts';

type ListActions =
  | 'load'
  | 'togglePanel'
  | 'openDraft'
  | 'create'
  | 'importYaml'
  | 'rename'
  | 'duplicate'
  | 'remove';

/** `show` opens a view in draft mode (the store's own, shared with the editor). */
export function draftsListActions(
  api: ApiClient,
  set: DraftsSet,
  get: DraftsGet,
  show: (view: DraftView) => void,
): Pick<DraftsState, ListActions> {
  return {
    async load() {
      const result = await api.call('drafts.list', {});
      set(
        result.ok
          ? {
              drafts: result.value.drafts,
              problems: result.value.problems,
              loaded: true,
              listError: undefined,
            }
          : { loaded: true, listError: result.error },
      );
    },
    togglePanel: (open) => set((s) => ({ panelOpen: open ?? !s.panelOpen })),
    async openDraft(id) {
      // Already open: keep its unsaved edits.
      if (get().open?.view.id === id) {
        set({ panelOpen: false });
        return undefined;
      }
      set({ busy: 'opening' });
      const result = await api.call('drafts.get', { id });
      set({ busy: undefined });
      if (!result.ok) return result.error;
      show(result.value);
      return undefined;
    },
    async create(contextId, releaseId) {
      const result = await api.call('drafts.create', { contextId, releaseId });
      if (!result.ok) return result.error;
      show(result.value);
      void get().load();
      return undefined;
    },
    async importYaml(input) {
      const result = await api.call('drafts.import', {
        contextId: input.contextId,
        namespace: input.namespace,
        ...(input.host ? { host: input.host } : {}),
        files: input.files,
      });
      if (!result.ok) return result.error;
      show(result.value);
      void get().load();
      return undefined;
    },
    async rename(id, name) {
      const result = await api.call('drafts.update', { id, name });
      if (!result.ok) return result.error;
      const open = get().open;
      if (open?.view.id === id) set({ open: { ...open, view: { ...open.view, name: result.value.name } } });
      set((s) => ({ drafts: s.drafts.map((d) => (d.id === id ? { ...d, name: result.value.name } : d)) }));
      void get().load();
      return undefined;
    },
    async duplicate(id) {
      const result = await api.call('drafts.duplicate', { id });
      if (!result.ok) return result.error;
      await get().load();
      return undefined;
    },
    async remove(id) {
      const result = await api.call('drafts.delete', { id });
      if (!result.ok) return result.error;
      if (get().open?.view.id === id) get().close();
      set((s) => ({ drafts: s.drafts.filter((d) => d.id !== id) }));
      void get().load();
      return undefined;
    },
  };
}
