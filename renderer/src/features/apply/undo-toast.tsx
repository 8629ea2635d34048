import { useEffect } from 'react';
import type { ApplyStore } from '../../stores/apply-store.ts';

/** After an apply: what happened, and Undo one click away. */
export function UndoToast({ store }: { store: ApplyStore }) {
  const toast = store((s) => s.toast);
  const reviewOpen = store((s) => s.review !== undefined);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => store.getState().dismissToast(), 30_000);
    return () => clearTimeout(t);
  }, [toast, store]);
  if (!toast || reviewOpen) return null;
  return (
    <div role="status" aria-label="Notification" className={`toast toast-${toast.tone}`}>
      <span>{toast.message}</span>
      {toast.historyId && (
        <button type="button" onClick={() => void store.getState().planUndo(toast.historyId ?? '', '', true)}>
          Undo
        </button>
      )}
      <button
        type="button"
        className="secondary"
        aria-label="Dismiss notification"
        onClick={() => store.getState().dismissToast()}
      >
        ×
      </button>
    </div>
  );
}
