import { useCallback, useEffect, useRef, useState } from 'react';
import type { FleetPlanView, FleetRunView } from '../../../../shared/api/fleet-schemas.ts';
import { fleetPlanRequest } from '../../../../shared/fleet/index.ts';
import type { ApiClient } from '../../api/api-client.ts';
import { FleetPlanReview } from './fleet-plan-review.tsx';
import { FleetRunProgress } from './fleet-run-progress.tsx';

// "Review a fleet change": choose the change (the service's split from its slider, or a cut-over to
// one version), the canary cluster, the limit and the hold; plan it for every cluster (fleet.plan);
// review each cluster; apply in waves (fleet.apply) and follow them.

export interface FleetReviewTarget {
  namespace: string;
  host: string;
  /** Every version seen in the fleet's clusters. */
  versions: string[];
  /** The split on the service's slider, when the fleet was opened from a service. */
  split?: Array<{ version: string; weight: number }>;
  /** The saved draft to apply, when the fleet was opened from a draft's "Apply to fleet…". */
  draft?: { id: string; name: string; summary: string };
}

type Stage =
  | { kind: 'choose' }
  | { kind: 'planning' }
  | { kind: 'review'; plan: FleetPlanView }
  | { kind: 'run'; run: FleetRunView };

const UNFINISHED = new Set(['running', 'holding', 'judging', 'waiting-for-data', 'stopped', 'rolling-back']);

const splitWords = (split: ReadonlyArray<{ version: string; weight: number }>) =>
  split.map((s) => `${s.version} ${s.weight}%`).join(', ');

export function FleetReviewDialog({
  api,
  contexts,
  target,
  onClose,
}: {
  api: ApiClient;
  contexts: string[];
  target: FleetReviewTarget;
  onClose: () => void;
}) {
  const [stage, setStage] = useState<Stage>({ kind: 'choose' });
  const [kind, setKind] = useState<'split' | 'cutover' | 'draft'>(
    target.draft ? 'draft' : target.split ? 'split' : 'cutover',
  );
  const [version, setVersion] = useState(target.versions[0] ?? '');
  const [canary, setCanary] = useState('');
  const [maxParallel, setMaxParallel] = useState('1');
  const [hold, setHold] = useState('60');
  const [gate, setGate] = useState(true);
  const [error, setError] = useState<string | undefined>();
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => dialog.current?.focus(), []);

  const plan = async () => {
    setError(undefined);
    const checked = fleetPlanRequest(
      target,
      kind === 'draft'
        ? { kind: 'draft', draftId: target.draft?.id ?? '' }
        : kind === 'split'
          ? { kind: 'split', split: target.split ?? [] }
          : { kind: 'cutover', version },
      { contexts, canary, maxParallel: Number(maxParallel), holdSeconds: Number(hold), gate },
    );
    if (!checked.ok) return setError(checked.error);
    setStage({ kind: 'planning' });
    const r = await api.call('fleet.plan', checked.request);
    if (r.ok) setStage({ kind: 'review', plan: r.value });
    else {
      setError(r.error.message);
      setStage({ kind: 'choose' });
    }
  };
  const apply = async (p: FleetPlanView) => {
    setError(undefined);
    const r = await api.call('fleet.apply', { fleetPlanId: p.fleetPlanId });
    if (r.ok) setStage({ kind: 'run', run: r.value });
    else setError(r.error.message);
  };
  // Close waits for the run's end: a stopped run still needs roll back all or keep.
  const [runState, setRunState] = useState<string | undefined>();
  const onRun = useCallback((run: FleetRunView) => setRunState(run.state), []);
  const unfinished = runState !== undefined && UNFINISHED.has(runState);

  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby="fleet-review-title"
        tabIndex={-1}
        className="modal fleet-review"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && stage.kind !== 'run') onClose();
        }}
      >
        <h2 id="fleet-review-title">Review a fleet change</h2>
        <p className="muted">
          {target.host} in {target.namespace} across {contexts.length} clusters
        </p>
        {(stage.kind === 'choose' || stage.kind === 'planning') && (
          <form
            aria-label="Fleet change"
            // The dialog's own check says what is wrong in one sentence (the browser's would not).
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void plan();
            }}
          >
            <fieldset className="fleet-fields">
              <legend>Change</legend>
              {target.draft && (
                <label>
                  <input
                    type="radio"
                    name="fleet-change"
                    checked={kind === 'draft'}
                    onChange={() => setKind('draft')}
                  />{' '}
                  Draft “{target.draft.name}”: {target.draft.summary} (merged with each cluster's live
                  objects)
                </label>
              )}
              <label>
                <input
                  type="radio"
                  name="fleet-change"
                  checked={kind === 'split'}
                  disabled={!target.split}
                  onChange={() => setKind('split')}
                />{' '}
                Split from the service's slider
                {target.split
                  ? `: ${splitWords(target.split)}`
                  : ' (open the fleet from a service to use it)'}
              </label>
              <label>
                <input
                  type="radio"
                  name="fleet-change"
                  checked={kind === 'cutover'}
                  onChange={() => setKind('cutover')}
                />{' '}
                Cut over to a version
              </label>
              <label>
                Version to cut over to{' '}
                <select
                  value={version}
                  disabled={kind !== 'cutover'}
                  onChange={(e) => setVersion(e.target.value)}
                >
                  {target.versions.map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              </label>
            </fieldset>
            <fieldset className="fleet-fields">
              <legend>Waves</legend>
              <label>
                Canary cluster{' '}
                <select value={canary} onChange={(e) => setCanary(e.target.value)}>
                  <option value="">The first that can take the change</option>
                  {contexts.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Clusters changed at once{' '}
                <input
                  type="number"
                  min={1}
                  max={contexts.length}
                  value={maxParallel}
                  onChange={(e) => setMaxParallel(e.target.value)}
                />
              </label>
              <label>
                Hold between waves (seconds){' '}
                <input
                  type="number"
                  min={0}
                  max={3600}
                  value={hold}
                  onChange={(e) => setHold(e.target.value)}
                />
              </label>
              <label>
                <input type="checkbox" checked={gate} onChange={(e) => setGate(e.target.checked)} /> Judge
                each wave by the health gate
              </label>
            </fieldset>
            <div className="row">
              <button type="submit" disabled={stage.kind === 'planning'}>
                Plan for every cluster
              </button>
              <button type="button" className="secondary" onClick={onClose}>
                Cancel
              </button>
            </div>
            {stage.kind === 'planning' && (
              <p aria-live="polite">Planning and dry-running in every cluster…</p>
            )}
          </form>
        )}
        {stage.kind === 'review' && (
          <>
            <FleetPlanReview plan={stage.plan} />
            <div className="row">
              <button
                type="button"
                disabled={
                  stage.plan.waves.length === 0 ||
                  stage.plan.clusters.some((c) => c.plan?.steps.some((s) => !s.dryRun.ok))
                }
                onClick={() => void apply(stage.plan)}
              >
                Apply in waves
              </button>
              <button type="button" className="secondary" onClick={() => setStage({ kind: 'choose' })}>
                Back
              </button>
              <button type="button" className="secondary" onClick={onClose}>
                Cancel
              </button>
            </div>
          </>
        )}
        {stage.kind === 'run' && (
          <>
            <FleetRunProgress api={api} started={stage.run} onChange={onRun} />
            <button type="button" className="secondary" disabled={unfinished} onClick={onClose}>
              Close
            </button>
          </>
        )}
        {error && (
          <div role="alert" className="banner banner-error">
            {error}
          </div>
        )}
      </div>
    </div>
  );
}
