import { create } from 'zustand';
import type { DraftNewVersionInput, DraftView } from '../../../shared/api/draft-schemas.ts';
import type { ApiClient } from '../api/api-client.ts';
import { draftReleaseKey, forgetDraftRelease, seedDraftRelease } from '../features/drafts/draft-keys.ts';
import { draftsCompareActions } from './drafts-compare-actions.ts';
import { draftsListActions } from './drafts-list-actions.ts';
import type { DraftsDeps, DraftsState } from './drafts-state.ts';
import { desiredInput, editChanged } from './release-store.ts';

export type { DraftsBusy, DraftsDeps, ExportResult, ImportInput, OpenDraft } from './drafts-state.ts';

/** The drafts kept on this laptop: the list, the one open in draft mode, its comparison and export. */
export function createDraftsStore(api: ApiClient, { releases, apply }: DraftsDeps) {
  const store = create<DraftsState>()((set, get) => {
    const show = (view: DraftView) => {
      const before = get().open;
      const beforeKey = before && before.view.id !== view.id ? draftReleaseKey(before.view) : undefined;
      if (beforeKey) forgetDraftRelease(releases, beforeKey);
      seedDraftRelease(releases, view);
      set({
        open: { view, notes: view.notes, justApplied: false },
        panelOpen: false,
        editorError: undefined,
        notice: undefined,
        compare: undefined,
        resolutions: {},
        exported: undefined,
      });
    };
    const ensureSaved = async () => (get().isDirty() ? get().save() : true);
    /** Saves the open draft's edits (split, rules, notes) with `extra`; unsaved edits are kept on failure. */
    const update = async (extra: { newVersion?: DraftNewVersionInput | null }, notice: string) => {
      const open = get().open;
      if (!open) return false;
      const key = draftReleaseKey(open.view);
      const d = key ? releases.getState().edits[key] : undefined;
      set({ busy: 'saving', editorError: undefined });
      const result = await api.call('drafts.update', {
        id: open.view.id,
        ...(d ? { desired: desiredInput(d) } : {}),
        notes: open.notes,
        ...extra,
      });
      set({ busy: undefined });
      const now = get().open;
      if (now?.view.id !== open.view.id) return false;
      if (!result.ok) {
        set({ editorError: result.error });
        return false;
      }
      seedDraftRelease(releases, result.value);
      set({ open: { ...now, view: result.value, notes: result.value.notes }, notice, exported: undefined });
      void get().load();
      return true;
    };

    return {
      drafts: [],
      problems: [],
      loaded: false,
      panelOpen: false,
      resolutions: {},
      ...draftsListActions(api, set, get, show),
      setNotes: (notes) => set((s) => (s.open ? { open: { ...s.open, notes } } : {})),
      isDirty() {
        const open = get().open;
        if (!open) return false;
        const key = draftReleaseKey(open.view);
        return open.notes !== open.view.notes || (key ? editChanged(releases.getState().edits[key]) : false);
      },
      save: () => update({}, 'Draft saved on this laptop.'),
      setNewVersion: (input) =>
        update(
          { newVersion: input },
          input
            ? `${input.version} added to the draft at 0%: its Deployment is created when the draft is applied.`
            : 'New version removed from the draft.',
        ),
      async refresh() {
        const open = get().open;
        if (!open) return;
        const result = await api.call('drafts.get', { id: open.view.id });
        const now = get().open;
        if (!result.ok || now?.view.id !== result.value.id) return;
        const dirty = get().isDirty();
        if (!dirty) seedDraftRelease(releases, result.value);
        set({ open: { ...now, view: result.value, notes: dirty ? now.notes : result.value.notes } });
      },
      close() {
        const open = get().open;
        const key = open && draftReleaseKey(open.view);
        if (key) forgetDraftRelease(releases, key);
        set({
          open: undefined,
          compare: undefined,
          resolutions: {},
          exported: undefined,
          editorError: undefined,
          notice: undefined,
        });
      },
      ...draftsCompareActions(api, apply, set, get, ensureSaved),
      async exportAs(format, file) {
        const open = get().open;
        if (!open) return;
        if (!(await ensureSaved())) return;
        set({ busy: 'exporting', editorError: undefined });
        const result = await api.call('drafts.export', {
          id: open.view.id,
          format,
          ...(file ? { file } : {}),
        });
        set({ busy: undefined });
        if (get().open?.view.id !== open.view.id) return;
        if (!result.ok) set({ editorError: result.error, exported: undefined });
        else set({ exported: { format, ...result.value } });
      },
    };
  });
  api.on('drafts.changed', (e) => {
    void store.getState().load();
    if (store.getState().open && e.ids.includes(store.getState().open?.view.id ?? ''))
      void store.getState().refresh();
  });
  return store;
}

export type DraftsStore = ReturnType<typeof createDraftsStore>;
