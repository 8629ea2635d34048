import type { StepPlanStore } from '../../stores/step-plan-store.ts';

/** The page's own notice when a release plan ends (a failed gate stays until dismissed). */
export function PlanNoticeToast({ store }: { store: StepPlanStore }) {
  const notice = store((s) => s.notice);
  if (!notice) return null;
  return (
    <div
      role={notice.tone === 'error' ? 'alert' : 'status'}
      className={`toast toast-${notice.tone === 'error' ? 'error' : 'ok'} plan-notice`}
    >
      <strong>{notice.title}</strong>
      <span>{notice.body}</span>
      <button
        type="button"
        className="secondary"
        aria-label="Dismiss release plan notice"
        onClick={() => store.getState().dismissNotice()}
      >
        ×
      </button>
    </div>
  );
}
