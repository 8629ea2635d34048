import { create } from 'zustand';
import type { ApplyResultView } from '../../../shared/api/console-schemas.ts';
import type { CallResponse } from '../../../shared/api/contract.ts';
import type {
  ConflictResolution,
  DraftCompareView,
  DraftConflictView,
  DraftExportFormat,
  DraftNewVersionInput,
  DraftObjectCompare,
  DraftProblemView,
  DraftSummary,
  DraftView,
} from '../../../shared/api/draft-schemas.ts';
import { DraftCompareView as CompareSchema } from '../../../shared/api/draft-schemas.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { ApiClient } from '../api/api-client.ts';
import type { HeldResolution } from '../features/drafts/draft-keys.ts';
import {
  conflictKey,
  draftReleaseKey,
  forgetDraftRelease,
  keepValid,
  resolutionList,
  seedDraftRelease,
} from '../features/drafts/draft-keys.ts';
import type { ApplyStore } from './apply-store.ts';
import type { ReleaseStore } from './release-store.ts';
import { desiredInput, draftChanged } from './release-store.ts';

export type ExportResult = CallResponse<'drafts.export'> & { format: DraftExportFormat };

export interface OpenDraft {
  view: DraftView;
  /** The notes as edited here (saved with "Save draft"). */
  notes: string;
  /** Applied from this window just now (main's own mark arrives with the reload). */
  justApplied: boolean;
}

export type DraftsBusy = 'opening' | 'saving' | 'comparing' | 'planning' | 'exporting';

export interface ImportInput {
  contextId: string;
  namespace: string;
  host?: string | undefined;
  files: { name: string; text: string }[];
}

interface DraftsState {
  drafts: DraftSummary[];
  problems: DraftProblemView[];
  loaded: boolean;
  listError?: ApiError | undefined;
  panelOpen: boolean;
  open?: OpenDraft | undefined;
  busy?: DraftsBusy | undefined;
  /** The last failure of an action on the open draft. */
  editorError?: ApiError | undefined;
  /** What the last action on the open draft did, in words (for a status line). */
  notice?: string | undefined;
  compare?: DraftCompareView | undefined;
  resolutions: Record<string, HeldResolution>;
  exported?: ExportResult | undefined;
  load(): Promise<void>;
  togglePanel(open?: boolean): void;
  openDraft(id: string): Promise<ApiError | undefined>;
  create(contextId: string, releaseId: string): Promise<ApiError | undefined>;
  importYaml(input: ImportInput): Promise<ApiError | undefined>;
  rename(id: string, name: string): Promise<ApiError | undefined>;
  duplicate(id: string): Promise<ApiError | undefined>;
  remove(id: string): Promise<ApiError | undefined>;
  setNotes(notes: string): void;
  /** Unsaved edits of the open draft: its split and rules in the release store, or its notes. */
  isDirty(): boolean;
  save(): Promise<boolean>;
  /** Adds (or replaces) the version the open draft creates, or removes it (null), saving unsaved edits with it. */
  setNewVersion(input: DraftNewVersionInput | null): Promise<boolean>;
  /** Takes a fresh view of the open draft; re-seeds the editor only when nothing is unsaved. */
  refresh(): Promise<void>;
  close(): void;
  compareWithCluster(notice?: string): Promise<void>;
  resolve(object: DraftObjectCompare, conflict: DraftConflictView, take: 'draft' | 'live'): void;
  /** The resolutions to send: one per overlap of the current comparison that has a choice. */
  resolutionList(): ConflictResolution[];
  /** Plans the merged draft and hands the plan to the review dialog. */
  plan(): Promise<void>;
  exportAs(format: DraftExportFormat, file?: { name: string; text: string }): Promise<void>;
}

export interface DraftsDeps {
  releases: ReleaseStore;
  apply: ApplyStore;
}

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
    const afterApply = (draftId: string) => (result: ApplyResultView) => {
      const open = get().open;
      if (open?.view.id === draftId)
        set({
          open: { ...open, justApplied: true },
          compare: undefined,
          resolutions: {},
          notice: `Applied${result.historyId ? ' — it is in History, where you can undo it' : ''}.`,
        });
      void get().load();
      void get().refresh();
    };
    const afterFailedApply = (draftId: string) => (result?: ApplyResultView, error?: ApiError) => {
      if (get().open?.view.id !== draftId) return;
      if (result?.conflict || error?.code === 'conflict')
        void get().compareWithCluster('The cluster changed again before the apply: compared afresh.');
    };
    const ensureSaved = async () => (get().isDirty() ? get().save() : true);
    /** Saves the open draft's edits (split, rules, notes) with `extra`; unsaved edits are kept on failure. */
    const update = async (extra: { newVersion?: DraftNewVersionInput | null }, notice: string) => {
      const open = get().open;
      if (!open) return false;
      const key = draftReleaseKey(open.view);
      const d = key ? releases.getState().drafts[key] : undefined;
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
      setNotes: (notes) => set((s) => (s.open ? { open: { ...s.open, notes } } : {})),
      isDirty() {
        const open = get().open;
        if (!open) return false;
        const key = draftReleaseKey(open.view);
        return (
          open.notes !== open.view.notes || (key ? draftChanged(releases.getState().drafts[key]) : false)
        );
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
      async compareWithCluster(notice) {
        const open = get().open;
        if (!open) return;
        if (!(await ensureSaved())) return;
        set({ busy: 'comparing', editorError: undefined, notice: undefined });
        // Every overlap is shown with its three values; the choices stay here until "Apply draft".
        const result = await api.call('drafts.compare', { id: open.view.id });
        set({ busy: undefined });
        if (get().open?.view.id !== open.view.id) return;
        if (!result.ok) {
          set({ editorError: result.error });
          return;
        }
        set({ compare: result.value, resolutions: keepValid(get().resolutions, result.value), notice });
      },
      resolutionList: () => resolutionList(get().compare, get().resolutions),
      resolve(object, conflict, take) {
        set((s) => ({
          resolutions: {
            ...s.resolutions,
            [conflictKey(object, conflict.path)]: { take, liveYaml: conflict.liveYaml },
          },
        }));
      },
      async plan() {
        const open = get().open;
        if (!open) return;
        if (!(await ensureSaved())) return;
        set({ busy: 'planning', editorError: undefined, notice: undefined });
        const resolutions = get().resolutionList();
        const result = await api.call('drafts.plan', {
          id: open.view.id,
          ...(resolutions.length ? { resolutions } : {}),
        });
        set({ busy: undefined });
        if (get().open?.view.id !== open.view.id) return;
        if (result.ok) {
          apply.getState().openPlan(result.value, `Apply draft “${open.view.name}”`, {
            onApplied: afterApply(open.view.id),
            onFailed: afterFailedApply(open.view.id),
          });
          return;
        }
        if (result.error.code !== 'conflict') {
          set({ editorError: result.error });
          return;
        }
        const moved = 'The cluster changed again since the comparison: compared afresh, check the overlaps.';
        const details = CompareSchema.safeParse(result.error.details);
        if (details.success)
          set({
            compare: details.data,
            resolutions: keepValid(get().resolutions, details.data),
            notice: moved,
          });
        else await get().compareWithCluster(moved);
      },
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
