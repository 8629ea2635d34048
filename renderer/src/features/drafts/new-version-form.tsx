import { useState } from 'react';
import type { DraftView } from '../../../../shared/api/draft-schemas.ts';
import type { DraftsStore } from '../../stores/drafts-store.ts';

/** The version with the most traffic in the base: what a new version copies unless told otherwise. */
function busiest(view: DraftView): string {
  const versions = view.baseRelease?.versions ?? [];
  return [...versions].sort((a, b) => b.weight - a.weight)[0]?.name ?? '';
}

const ZERO_RULE =
  'A new version joins the split at 0%. Its Deployment is created when the draft is applied and has no ready pods until its rollout finishes, so a draft routing traffic to it is refused: apply with it at 0%, then move traffic once its rollout is ready.';

/** Draft mode's "New version": a copy of an existing version's Deployment with a new image, held by the draft. */
export function NewVersionForm({ view, drafts }: { view: DraftView; drafts: DraftsStore }) {
  const busy = drafts((s) => s.busy === 'saving');
  const [version, setVersion] = useState('');
  const [image, setImage] = useState('');
  const [from, setFrom] = useState(() => busiest(view));
  const existing = view.release?.versions.map((v) => v.name) ?? [];
  const sources = view.baseRelease?.versions ?? [];
  const taken = existing.includes(version);
  const ready = version !== '' && !taken && image.trim() !== '' && from !== '' && !busy;
  const nv = view.newVersion;

  return (
    <section aria-label="New version" className="draft-new-version">
      <h3>New version</h3>
      <p role="note" aria-label="New versions start at 0%" className="muted small">
        {ZERO_RULE}
      </p>
      {nv ? (
        <div className="row">
          <span>
            <strong>{nv.version}</strong> — image <code>{nv.image}</code>, a copy of {nv.fromVersion}’s
            Deployment as <code>{nv.deployment}</code>, created when the draft is applied.
          </span>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void drafts.getState().setNewVersion(null)}
          >
            Remove new version
          </button>
        </div>
      ) : (
        <form
          className="wizard-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready) return;
            void drafts
              .getState()
              .setNewVersion({ version, image: image.trim(), fromVersion: from })
              .then((saved) => {
                if (!saved) return;
                setVersion('');
                setImage('');
              });
          }}
        >
          <label>
            Version{' '}
            <input
              aria-label="Version"
              placeholder="e.g. v3"
              value={version}
              aria-invalid={taken}
              onChange={(e) => setVersion(e.target.value.trim().toLowerCase())}
            />
          </label>
          {taken && <span className="lint-error small">{version} already exists: choose another name</span>}
          <label>
            Image{' '}
            <input
              aria-label="Image"
              size={50}
              placeholder="registry/app:1.2.3"
              value={image}
              onChange={(e) => setImage(e.target.value)}
            />
          </label>
          <label>
            Copy from{' '}
            <select aria-label="Copy from" value={from} onChange={(e) => setFrom(e.target.value)}>
              {sources.map((v) => (
                <option key={v.name} value={v.name}>
                  {v.name} ({v.weight}%)
                </option>
              ))}
            </select>
          </label>
          <div className="row">
            <button type="submit" disabled={!ready}>
              {busy ? 'Saving…' : 'Add version to draft'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
