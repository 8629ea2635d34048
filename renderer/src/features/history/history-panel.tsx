import { memo, useEffect, useState } from 'react';
import type { HistoryEntryView } from '../../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../../shared/api/errors.ts';
import type { ApiClient } from '../../api/api-client.ts';
import type { ApplyStore } from '../../stores/apply-store.ts';

/** The changes made from this app, newest first, each with Undo; per service or per cluster. */
export const HistoryPanel = memo(function HistoryPanel({
  api,
  apply,
  contextId,
  releaseId,
  title,
}: {
  api: ApiClient;
  apply: ApplyStore;
  contextId: string;
  releaseId?: string;
  title: string;
}) {
  const appliedCount = apply((s) => s.appliedCount);
  const [entries, setEntries] = useState<HistoryEntryView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: appliedCount is the reload trigger
  useEffect(() => {
    let live = true;
    void api.call('history.list', { contextId, ...(releaseId ? { releaseId } : {}) }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setEntries(r.value.entries);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [api, contextId, releaseId, appliedCount]);
  // Entries pushed as they are written (a wizard step, a change from another view): no reload.
  useEffect(
    () =>
      api.on('history.recorded', (e) => {
        if (e.contextId !== contextId || (releaseId !== undefined && e.releaseId !== releaseId)) return;
        setEntries((list) => (list?.some((x) => x.id === e.id) ? list : [e, ...(list ?? [])]));
      }),
    [api, contextId, releaseId],
  );
  return (
    <section className="history" aria-label={title}>
      <h3>{title}</h3>
      {error && <p role="alert">Could not read the history: {error.message}</p>}
      {entries?.length === 0 && <p className="muted">No changes made from Switchyard yet.</p>}
      <ul className="history-list">
        {(entries ?? []).map((e) => (
          <li key={e.id} aria-label={e.summary}>
            <time dateTime={e.time}>{new Date(e.time).toLocaleString()}</time>{' '}
            <span className="muted">{e.user}</span>
            <div>{e.summary}</div>
            {e.undoOf && <span className="chip">undo</span>}
            <button
              type="button"
              className="secondary"
              disabled={!e.undoable}
              onClick={() => void apply.getState().planUndo(e.id, e.contextId, false)}
            >
              {e.undoable ? 'Undo' : 'Undone'}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
});
