import { memo, useEffect, useState } from 'react';
import type { HistoryEntryView } from '../../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../../shared/api/errors.ts';
import type { ApiClient } from '../../api/api-client.ts';
import type { ApplyStore } from '../../stores/apply-store.ts';

/** A change in the cluster may make an Undo impossible (or possible again): re-read a moment later. */
const RELOAD_AFTER_CHANGE_MS = 400;

function HistoryItem({
  entry: e,
  onUndo,
}: {
  entry: HistoryEntryView;
  onUndo: (e: HistoryEntryView) => void;
}) {
  const reasonId = `undo-why-${e.id}`;
  return (
    <li aria-label={e.summary}>
      <time dateTime={e.time}>{new Date(e.time).toLocaleString()}</time>{' '}
      <span className="muted">{e.user}</span>
      {e.undoOf && <span className="chip">undo</span>}
      <div>{e.summary}</div>
      <button
        type="button"
        className="secondary"
        disabled={!e.undoable}
        aria-describedby={e.undoBlocked ? reasonId : undefined}
        onClick={() => onUndo(e)}
      >
        Undo
      </button>
      {e.undoBlocked && (
        <div id={reasonId} className="muted small">
          {e.undoBlocked}
          {e.compared && e.compared.length > 0 && (
            <ul aria-label="Versions compared" className="compared-versions">
              {e.compared.map((c) => (
                <li key={c.object}>
                  {c.object}: resourceVersion {c.recorded ?? '(none)'} after this change, {c.live ?? '(gone)'}{' '}
                  now
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  );
}

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
  const reviewOpen = apply((s) => s.review !== undefined);
  const [entries, setEntries] = useState<HistoryEntryView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.on('release.changed', (view) => {
      if (view.contextId !== contextId || (releaseId && view.releaseId !== releaseId)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => setChanges((n) => n + 1), RELOAD_AFTER_CHANGE_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [api, contextId, releaseId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: appliedCount, changes and reviewOpen are reload triggers
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
  }, [api, contextId, releaseId, appliedCount, changes, reviewOpen]);
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
          <HistoryItem
            key={e.id}
            entry={e}
            onUndo={(x) => void apply.getState().planUndo(x.id, x.contextId, false)}
          />
        ))}
      </ul>
    </section>
  );
});
