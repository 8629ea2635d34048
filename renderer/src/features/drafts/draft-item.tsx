import { useState } from 'react';
import type { DraftSummary } from '../../../../shared/api/draft-schemas.ts';
import type { ApiError } from '../../../../shared/api/errors.ts';
import type { DraftsStore } from '../../stores/drafts-store.ts';
import { ConfirmDialog } from '../shell/confirm-dialog.tsx';
import { basedOn } from './draft-words.ts';
import { localTime } from './relative-time.ts';

interface DraftItemProps {
  draft: DraftSummary;
  contextName: string;
  /** The draft's context is connected, so "Apply" can compare with the cluster right away. */
  connected: boolean;
  drafts: DraftsStore;
  /** "Apply to fleet…": opens the Fleets screen with this draft as the change. */
  onApplyToFleet?: ((draft: DraftSummary) => void) | undefined;
}

/** One draft in the Drafts panel, with open, rename (inline), duplicate, delete and apply. */
export function DraftItem({ draft: d, contextName, connected, drafts, onApplyToFleet }: DraftItemProps) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmSwitch, setConfirmSwitch] = useState<{ compare: boolean; from: string } | null>(null);
  const [error, setError] = useState<ApiError>();
  const s = drafts.getState();
  const run = async (action: () => Promise<ApiError | undefined>) => setError(await action());

  const openIt = (compare: boolean) =>
    run(async () => {
      const failed = await s.openDraft(d.id);
      if (!failed && compare) await drafts.getState().compareWithCluster();
      return failed;
    });
  /** Opening another draft drops the open one's unsaved edits: ask first. */
  const ask = (compare: boolean) => {
    const open = drafts.getState().open;
    if (open && open.view.id !== d.id && drafts.getState().isDirty())
      setConfirmSwitch({ compare, from: open.view.name });
    else void openIt(compare);
  };

  const saveName = async () => {
    const name = renaming?.trim() ?? '';
    if (name === '') {
      setError({ code: 'invalid-request', message: 'A draft needs a name.' });
      return;
    }
    const failed = await s.rename(d.id, name);
    setError(failed);
    if (!failed) setRenaming(null);
  };

  return (
    <li aria-label={d.name} className="draft-item">
      <div className="draft-item-head">
        {renaming === null ? (
          <strong>{d.name}</strong>
        ) : (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void saveName();
            }}
          >
            <input
              aria-label="Draft name"
              value={renaming}
              onChange={(e) => setRenaming(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
            />
            <button type="submit">Save</button>
            <button type="button" className="secondary" onClick={() => setRenaming(null)}>
              Cancel
            </button>
          </form>
        )}
        {d.applied && (
          <span className="chip chip-ok" title={`Applied ${localTime(d.applied.at)}`}>
            Applied
          </span>
        )}
      </div>
      <div className="muted small">
        {d.host} · {contextName} · {d.namespace} · {basedOn(d)} · updated{' '}
        <time dateTime={d.updatedAt}>{localTime(d.updatedAt)}</time>
      </div>
      <div className="small">{d.summary}</div>
      <div className="row draft-actions">
        <button type="button" aria-label={`Open ${d.name}`} onClick={() => ask(false)}>
          Open
        </button>
        <button
          type="button"
          className="secondary"
          aria-label={`Rename ${d.name}`}
          disabled={renaming !== null}
          onClick={() => setRenaming(d.name)}
        >
          Rename
        </button>
        <button
          type="button"
          className="secondary"
          aria-label={`Duplicate ${d.name}`}
          onClick={() => void run(() => s.duplicate(d.id))}
        >
          Duplicate
        </button>
        <button
          type="button"
          className="secondary danger"
          aria-label={`Delete ${d.name}`}
          onClick={() => setConfirmDelete(true)}
        >
          Delete
        </button>
        <button
          type="button"
          className="secondary"
          aria-label={`Apply ${d.name}`}
          title={connected ? undefined : `Opens the draft; comparing needs ${contextName} connected`}
          onClick={() => ask(connected)}
        >
          Apply
        </button>
        {onApplyToFleet && (
          <button
            type="button"
            className="secondary"
            aria-label={`Apply ${d.name} to a fleet`}
            onClick={() => onApplyToFleet(d)}
          >
            Apply to fleet…
          </button>
        )}
      </div>
      {error && (
        <div role="alert" className="banner banner-error">
          {error.message}
        </div>
      )}
      {confirmSwitch && (
        <ConfirmDialog
          title={`Open “${d.name}” without saving “${confirmSwitch.from}”?`}
          body={`The unsaved edits of “${confirmSwitch.from}” are dropped; its saved draft stays on this laptop.`}
          confirmLabel={`Open “${d.name}”`}
          onConfirm={() => {
            const { compare } = confirmSwitch;
            setConfirmSwitch(null);
            void openIt(compare);
          }}
          onCancel={() => setConfirmSwitch(null)}
        />
      )}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete draft “${d.name}”?`}
          body={`The draft of ${d.host} for ${contextName} is removed from this laptop. The cluster is not touched.`}
          confirmLabel="Delete draft"
          onConfirm={() => {
            setConfirmDelete(false);
            void run(() => s.remove(d.id));
          }}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </li>
  );
}
