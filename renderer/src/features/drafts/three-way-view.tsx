import type { DraftObjectCompare } from '../../../../shared/api/draft-schemas.ts';
import type { DraftsStore } from '../../stores/drafts-store.ts';
import { YamlDiff } from '../apply/yaml-diff.tsx';
import { ConflictChoice } from './conflict-choice.tsx';
import { allResolved } from './draft-keys.ts';
import { localTime } from './relative-time.ts';

const outcomeWords: Record<DraftObjectCompare['outcome'], string> = {
  merged: 'merged: the draft’s changes and the cluster’s do not overlap',
  unchanged: 'unchanged: nothing to apply',
  create: 'create: it does not exist in the cluster yet',
  conflict: 'conflict: the draft and the cluster changed the same fields',
};

function CompareObject({ object: o, drafts }: { object: DraftObjectCompare; drafts: DraftsStore }) {
  return (
    <li aria-label={`${o.kind} ${o.namespace}/${o.name}`} className={`compare-object outcome-${o.outcome}`}>
      <h4>
        {o.kind} {o.namespace}/{o.name}{' '}
        <span className={`chip ${o.outcome === 'conflict' ? 'chip-err' : 'chip-ok'}`}>{o.outcome}</span>
      </h4>
      <p className="small">
        {outcomeWords[o.outcome]}.{' '}
        {o.liveChanged
          ? 'The cluster changed it since the draft began.'
          : 'The cluster has not changed it since the draft began.'}
      </p>
      {(o.outcome === 'merged' || o.outcome === 'create') && (
        <YamlDiff
          before={o.liveYaml}
          after={o.mergedYaml || o.draftYaml}
          label={`What applying does to ${o.kind} ${o.name}`}
        />
      )}
      {o.conflicts.map((c) => (
        <ConflictChoice key={c.path} object={o} conflict={c} drafts={drafts} />
      ))}
    </li>
  );
}

/** Base, draft and live of every object the draft touches; overlaps resolved before "Apply draft". */
export function ThreeWayView({ drafts }: { drafts: DraftsStore }) {
  const compare = drafts((s) => s.compare);
  const resolutions = drafts((s) => s.resolutions);
  const notice = drafts((s) => s.notice);
  const planning = drafts((s) => s.busy === 'planning');
  if (!compare) return null;
  const conflicts = compare.objects.reduce((n, o) => n + o.conflicts.length, 0);
  const ready = allResolved(compare, resolutions);
  const left = conflicts - Object.keys(resolutions).length;
  return (
    <section aria-label="Three-way comparison" className="three-way">
      <h3>Three-way comparison</h3>
      <p className="muted small">
        Base (when the draft began), draft, and live (the cluster at{' '}
        <time dateTime={compare.comparedAt}>{localTime(compare.comparedAt)}</time>).
      </p>
      {notice && (
        <p role="status" className="warn">
          {notice}
        </p>
      )}
      <ul className="compare-objects">
        {compare.objects.map((o) => (
          <CompareObject key={`${o.kind}/${o.namespace}/${o.name}`} object={o} drafts={drafts} />
        ))}
      </ul>
      <div className="row sticky-actions">
        <button type="button" disabled={!ready || planning} onClick={() => void drafts.getState().plan()}>
          {planning ? 'Planning…' : 'Apply draft'}
        </button>
        <span className="muted small" aria-live="polite">
          {ready
            ? conflicts > 0
              ? 'Every overlap is resolved.'
              : 'Nothing overlaps: the draft merges cleanly.'
            : `${left} overlap${left === 1 ? '' : 's'} left to resolve.`}
        </span>
      </div>
    </section>
  );
}
