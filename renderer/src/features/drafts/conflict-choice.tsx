import { useId } from 'react';
import type { DraftConflictView, DraftObjectCompare } from '../../../../shared/api/draft-schemas.ts';
import type { DraftsStore } from '../../stores/drafts-store.ts';
import { conflictKey } from './draft-keys.ts';

/** The accessible name of one overlap's choice: "Resolve VirtualService reviews /spec/http/0". */
export const resolveLabel = (o: Pick<DraftObjectCompare, 'kind' | 'name'>, path: string) =>
  `Resolve ${o.kind} ${o.name} ${path || '(whole object)'}`;

function Side({ title, yaml, empty }: { title: string; yaml: string; empty: string }) {
  return (
    <div>
      <h5>{title}</h5>
      <figure aria-label={title}>
        <pre>{yaml === '' ? empty : yaml}</pre>
      </figure>
    </div>
  );
}

/** One overlap: base, draft and live side by side, and the operator's choice. */
export function ConflictChoice({
  object,
  conflict,
  drafts,
}: {
  object: DraftObjectCompare;
  conflict: DraftConflictView;
  drafts: DraftsStore;
}) {
  const key = conflictKey(object, conflict.path);
  const name = useId();
  const take = drafts((s) => s.resolutions[key]?.take);
  const label = resolveLabel(object, conflict.path);
  const choose = (t: 'draft' | 'live') => drafts.getState().resolve(object, conflict, t);
  return (
    <div className="conflict-choice">
      <h4 className="mono">{conflict.path || '(the whole object)'}</h4>
      <div className="three-sides">
        <Side title="Base" yaml={conflict.baseYaml} empty="(did not exist)" />
        <Side title="Draft" yaml={conflict.draftYaml} empty="(removed by the draft)" />
        <Side title="Live" yaml={conflict.liveYaml} empty="(not in the cluster)" />
      </div>
      <div role="radiogroup" aria-label={label} className="row">
        <label>
          <input type="radio" name={name} checked={take === 'draft'} onChange={() => choose('draft')} /> Keep
          draft
        </label>
        <label>
          <input type="radio" name={name} checked={take === 'live'} onChange={() => choose('live')} /> Take
          live
        </label>
      </div>
    </div>
  );
}
