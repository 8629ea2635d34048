import { useMemo, useState } from 'react';
import type { ClustersStore } from '../../stores/clusters-store.ts';
import type { DraftsStore } from '../../stores/drafts-store.ts';
import type { ReleaseStore } from '../../stores/release-store.ts';
import { editChanged } from '../../stores/release-store.ts';
import { versionColor } from '../release/version-color.ts';
import { ConfirmDialog } from '../shell/confirm-dialog.tsx';
import { DraftChanges } from './draft-changes.tsx';
import { DraftExport } from './draft-export.tsx';
import { draftReleaseKey } from './draft-keys.ts';
import { DraftModeBanner } from './draft-mode-banner.tsx';
import { DraftPolicy } from './draft-policy.tsx';
import { basedOn } from './draft-words.ts';
import { NewVersionForm } from './new-version-form.tsx';
import { ThreeWayView } from './three-way-view.tsx';

interface DraftEditorProps {
  drafts: DraftsStore;
  releases: ReleaseStore;
  clusters: ClustersStore;
}

/** Draft mode: the service view's editors over the open draft, its diff, export and three-way apply. */
export function DraftEditor({ drafts, releases, clusters }: DraftEditorProps) {
  const open = drafts((s) => s.open);
  const busy = drafts((s) => s.busy);
  const error = drafts((s) => s.editorError);
  const notice = drafts((s) => s.notice);
  const compared = drafts((s) => s.compare !== undefined);
  const key = open ? draftReleaseKey(open.view) : undefined;
  const releaseDraft = releases((s) => (key ? s.edits[key] : undefined));
  const context = clusters((s) => s.contexts.find((c) => c.id === open?.view.contextId));
  const [confirmClose, setConfirmClose] = useState(false);
  const versionList = open?.view.release?.versions.map((v) => v.name).join('\u0000');
  const color = useMemo(() => versionColor(versionList ? versionList.split('\u0000') : []), [versionList]);
  if (!open) return null;

  const { view } = open;
  const s = drafts.getState();
  const contextName = context?.name ?? view.contextId;
  const dirty = open.notes !== view.notes || editChanged(releaseDraft);
  const connected = context?.status === 'connected';
  const applied = open.justApplied || view.applied !== undefined;
  const close = () => (dirty ? setConfirmClose(true) : s.close());

  return (
    <section className="panel service-view draft-editor" aria-labelledby="draft-heading">
      <DraftModeBanner name={view.name} host={view.host} contextName={contextName} />
      <div className="panel-head">
        <h2 id="draft-heading">
          {view.release?.name ?? view.host}{' '}
          <span className="muted small">
            {view.namespace} · draft · {basedOn(view)}
          </span>
        </h2>
        <div className="row">
          {dirty && (
            <span className="chip chip-warn" role="status">
              Unsaved changes
            </span>
          )}
          {applied && <span className="chip chip-ok">Applied</span>}
        </div>
      </div>
      {view.release && key && releaseDraft ? (
        <DraftPolicy
          release={view.release}
          editKey={key}
          draft={releaseDraft}
          releases={releases}
          color={color}
        />
      ) : (
        <p className="muted">This draft holds no route to edit: export it, or apply it as it is.</p>
      )}
      {view.release && <NewVersionForm key={view.id} view={view} drafts={drafts} />}
      <label className="draft-notes">
        Notes
        <textarea
          aria-label="Notes"
          rows={3}
          value={open.notes}
          onChange={(e) => s.setNotes(e.target.value)}
          placeholder="Why this change, what to watch after applying…"
        />
      </label>
      {error && (
        <div role="alert" className="banner banner-error">
          {error.message}
        </div>
      )}
      {notice && !compared && (
        <p role="status" className="muted small">
          {notice}
        </p>
      )}
      <div className="row sticky-actions">
        <button type="button" disabled={!dirty || busy === 'saving'} onClick={() => void s.save()}>
          {busy === 'saving' ? 'Saving…' : 'Save draft'}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!connected || busy === 'comparing'}
          title={
            connected
              ? 'Base, draft and live side by side'
              : `Comparing needs ${contextName} connected; it is ${context?.status ?? 'unknown'} now.`
          }
          onClick={() => void s.compareWithCluster()}
        >
          {busy === 'comparing' ? 'Comparing…' : 'Compare with cluster'}
        </button>
        {!connected && context && context.status !== 'connecting' && (
          <button
            type="button"
            className="secondary"
            onClick={() => void clusters.getState().switchTo(context.id)}
          >
            Connect to {contextName}
          </button>
        )}
        <button type="button" className="secondary" onClick={close}>
          Close draft
        </button>
      </div>
      <ThreeWayView drafts={drafts} />
      <DraftChanges diff={view.diff} unsaved={dirty} />
      <DraftExport drafts={drafts} />
      {confirmClose && (
        <ConfirmDialog
          title="Close the draft without saving?"
          body={`Your unsaved edits of “${view.name}” are dropped; the saved draft stays on this laptop.`}
          confirmLabel="Close without saving"
          onConfirm={() => {
            setConfirmClose(false);
            s.close();
          }}
          onCancel={() => setConfirmClose(false)}
        />
      )}
    </section>
  );
}
