import type { DraftsStore } from '../../stores/drafts-store.ts';

export const DRAFTS_PANEL_ID = 'drafts-panel';

/** Topbar toggle of the Drafts panel, with the number of drafts kept on this laptop. */
export function DraftsButton({ drafts }: { drafts: DraftsStore }) {
  const count = drafts((s) => s.drafts.length);
  const open = drafts((s) => s.panelOpen);
  return (
    <button
      type="button"
      className="secondary"
      aria-expanded={open}
      aria-controls={DRAFTS_PANEL_ID}
      onClick={() => drafts.getState().togglePanel()}
    >
      Drafts ({count})
    </button>
  );
}
