import type { DraftObjectDiff } from '../../../../shared/api/draft-schemas.ts';
import { YamlDiff } from '../apply/yaml-diff.tsx';

/** What the saved draft changes, object by object, from its base. */
export function DraftChanges({ diff, unsaved }: { diff: DraftObjectDiff[]; unsaved: boolean }) {
  return (
    <section aria-label="Draft changes" className="draft-changes">
      <h3>Draft changes</h3>
      {unsaved && <p className="muted small">Unsaved edits show here once you save the draft.</p>}
      {diff.length === 0 && <p className="muted">The saved draft changes nothing yet.</p>}
      {diff.map((o) => (
        <div key={`${o.kind}/${o.namespace}/${o.name}`} className="draft-object">
          <h4>
            {o.kind} {o.namespace}/{o.name}{' '}
            <span className="chip">{o.action === 'create' ? 'created' : 'changed'}</span>
          </h4>
          <YamlDiff before={o.beforeYaml} after={o.afterYaml} label={`Draft diff of ${o.kind} ${o.name}`} />
        </div>
      ))}
    </section>
  );
}
