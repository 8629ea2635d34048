// The open draft against the cluster: compare base, draft and live, settle each overlap (keep the
// draft's value or take the live one), and plan the merged draft for the review dialog.

import type { ApplyResultView } from '../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { ApiClient } from '../api/api-client.ts';
import { conflictKey, keepValid, resolutionList } from '../features/drafts/draft-keys.ts';
import type { ApplyStore } from './apply-store.ts';
import type { DraftsGet, DraftsSet, DraftsState } from './drafts-state.ts';

type CompareActions = 'compareWithCluster' | 'resolutionList' | 'resolve' | 'plan';

/** `ensureSaved` saves unsaved edits of the open draft first (false when that failed). */
export function draftsCompareActions(
  api: ApiClient,
  apply: ApplyStore,
  set: DraftsSet,
  get: DraftsGet,
  ensureSaved: () => Promise<boolean>,
): Pick<DraftsState, CompareActions> {
  const afterApply = (draftId: string) => (result: ApplyResultView) => {
    const open = get().open;
    if (open?.view.id === draftId)
      set({
        open: { ...open, justApplied: true },
        compare: undefined,
        resolutions: {},
        notice: `Applied${result.historyId ? ' — it is in History, where you can undo it' : ''}.${result.warning ? ` Warning: ${result.warning}.` : ''}`,
      });
    void get().load();
    void get().refresh();
  };
  const afterFailedApply = (draftId: string) => (result?: ApplyResultView, error?: ApiError) => {
    if (get().open?.view.id !== draftId) return;
    if (result?.conflict || error?.code === 'conflict')
      void get().compareWithCluster('The cluster changed again before the apply: compared afresh.');
  };

  return {
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
      // The schema is imported here, not at the top: this store is on the first screen, and
      // draft-schemas.ts would bring zod and its schemas there (issue 13). A conflict is rare.
      const { DraftCompareView } = await import('../../../shared/api/draft-schemas.ts');
      if (get().open?.view.id !== open.view.id) return;
      const details = DraftCompareView.safeParse(result.error.details);
      if (details.success)
        set({
          compare: details.data,
          resolutions: keepValid(get().resolutions, details.data),
          notice: moved,
        });
      else await get().compareWithCluster(moved);
    },
  };
}
