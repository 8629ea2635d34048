import { useState } from 'react';
import type { DraftSummary } from '../../../../shared/api/draft-schemas.ts';
import type { ClustersStore } from '../../stores/clusters-store.ts';
import type { DraftsStore } from '../../stores/drafts-store.ts';
import { DraftItem } from './draft-item.tsx';
import { DRAFTS_PANEL_ID } from './drafts-button.tsx';
import { ImportForm } from './import-form.tsx';

/** Every draft on this laptop, with import from YAML; needs no connection at all. */
export function DraftsPanel({
  drafts,
  clusters,
  onApplyToFleet,
}: {
  drafts: DraftsStore;
  clusters: ClustersStore;
  /** "Apply to fleet…" on a draft: the Fleets screen with the draft as the change. */
  onApplyToFleet?: (draft: DraftSummary) => void;
}) {
  const list = drafts((s) => s.drafts);
  const problems = drafts((s) => s.problems);
  const loaded = drafts((s) => s.loaded);
  const listError = drafts((s) => s.listError);
  const contexts = clusters((s) => s.contexts);
  const activeId = clusters((s) => s.activeContextId);
  const [importing, setImporting] = useState(false);
  const contextOf = (id: string) => contexts.find((c) => c.id === id);

  return (
    <section id={DRAFTS_PANEL_ID} aria-label="Drafts" className="panel drafts-panel">
      <div className="panel-head">
        <h2>Drafts</h2>
        <div className="row">
          <button
            type="button"
            className="secondary"
            aria-expanded={importing}
            onClick={() => setImporting((x) => !x)}
          >
            Import YAML
          </button>
          <button type="button" className="secondary" onClick={() => drafts.getState().togglePanel(false)}>
            Hide drafts
          </button>
        </div>
      </div>
      <p className="muted small">
        Drafts are kept on this laptop and applied only when you apply them, through the same review.
      </p>
      {importing && (
        <ImportForm
          contexts={contexts}
          defaultContextId={activeId}
          drafts={drafts}
          onDone={() => setImporting(false)}
        />
      )}
      {listError && (
        <div role="alert" className="banner banner-error">
          Could not read the drafts: {listError.message}{' '}
          <button type="button" className="secondary" onClick={() => void drafts.getState().load()}>
            Retry
          </button>
        </div>
      )}
      {problems.length > 0 && (
        <div role="alert" className="problems">
          <h3>Draft files that could not be opened</h3>
          <ul>
            {problems.map((p) => (
              <li key={p.file}>
                <code>{p.file}</code>: {p.reason}
                {p.setAsideAs ? (
                  <>
                    {' '}
                    — kept as <code>{p.setAsideAs}</code>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      )}
      {loaded && !listError && list.length === 0 && (
        <p className="muted">No drafts yet. Open a service and choose “Draft a change”, or import YAML.</p>
      )}
      <ul aria-label="Draft list" className="draft-list">
        {list.map((d) => {
          const c = contextOf(d.contextId);
          return (
            <DraftItem
              key={d.id}
              draft={d}
              contextName={c?.name ?? d.contextId}
              connected={c?.status === 'connected'}
              drafts={drafts}
              onApplyToFleet={onApplyToFleet}
            />
          );
        })}
      </ul>
    </section>
  );
}
