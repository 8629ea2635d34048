import { useEffect, useRef } from 'react';
import type { ApplyStore } from '../../stores/apply-store.ts';
import { ProxyConfirmation } from './proxy-confirmation.tsx';
import { YamlDiff } from './yaml-diff.tsx';

const stepStateWords: Record<string, string> = {
  pending: 'waiting',
  'dry-run': 'dry-run',
  applying: 'applying',
  verifying: 'waiting for the cluster to confirm',
  done: 'done',
  failed: 'failed',
  'rolled-back': 'rolled back',
  skipped: 'not run',
};

/** "Review changes": the plan with a YAML diff per object and the dry-run; then Apply with progress. */
export function ReviewDialog({ store }: { store: ApplyStore }) {
  const review = store((s) => s.review);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (review) dialog.current?.focus();
  }, [review?.plan?.planId, review]);
  if (!review) return null;
  const { plan, status, progress, result, error } = review;
  const dryRunFailed = plan?.steps.some((s) => !s.dryRun.ok) ?? false;
  const close = () => store.getState().close();
  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby="review-title"
        tabIndex={-1}
        className="modal"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && status !== 'applying') close();
        }}
      >
        <h2 id="review-title">Review changes</h2>
        <p className="muted">{review.title}</p>
        {status === 'planning' && <p aria-live="polite">Planning and dry-running the change…</p>}
        {plan && (
          <>
            <p>{plan.summary}</p>
            <ol className="plan-steps" aria-label="Plan steps">
              {plan.steps.map((step, i) => {
                const p = progress[step.id];
                const final = result?.steps.find((s) => s.id === step.id);
                const state = final?.state ?? p?.state;
                return (
                  <li key={step.id} aria-label={`Step ${i + 1}: ${step.description}`}>
                    <div className="row">
                      <strong>
                        {step.target.kind} {step.target.namespace}/{step.target.name}
                      </strong>
                      <span className={`chip ${step.dryRun.ok ? 'chip-ok' : 'chip-err'}`}>
                        {step.dryRun.ok ? 'dry-run passed' : `dry-run failed: ${step.dryRun.message ?? ''}`}
                      </span>
                      {state && (
                        <span className="chip" role="status">
                          {stepStateWords[state] ?? state}
                          {(final?.message ?? p?.message) ? ` — ${final?.message ?? p?.message}` : ''}
                        </span>
                      )}
                    </div>
                    <div className="muted small">{step.description}</div>
                    <YamlDiff
                      before={step.beforeYaml}
                      after={step.afterYaml}
                      label={`Diff of ${step.target.kind} ${step.target.name}`}
                    />
                  </li>
                );
              })}
            </ol>
            {plan.lint.length > 0 && (
              <ul aria-label="Lint findings of the plan" className="lint-list">
                {plan.lint.map((f) => (
                  <li key={`${f.code}-${f.path}-${f.object.name}`} className={`lint lint-${f.severity}`}>
                    <strong>{f.code}</strong> {f.message} <span className="muted">{f.hint}</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        {error && (
          <div role="alert" className="banner banner-error">
            {error.message}
            {error.code === 'conflict' && ' Reload the service to see what changed, then review again.'}
          </div>
        )}
        {result?.conflict && (
          <section aria-label="Conflict" className="conflict">
            <h3>
              Conflict on {result.conflict.object.kind} {result.conflict.object.name}
            </h3>
            <p>Someone else changed {result.conflict.paths.join(', ') || 'the object'} while you worked.</p>
            <div className="two-sides">
              <div>
                <h4>Yours</h4>
                <figure aria-label="Your version">
                  {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable, so reachable by keyboard */}
                  <pre tabIndex={0}>{result.conflict.oursYaml}</pre>
                </figure>
              </div>
              <div>
                <h4>Theirs (in the cluster now)</h4>
                <figure aria-label="Their version">
                  {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable, so reachable by keyboard */}
                  <pre tabIndex={0}>{result.conflict.theirsYaml}</pre>
                </figure>
              </div>
            </div>
          </section>
        )}
        {status === 'applied' && (
          <p role="status" className="ok">
            Applied and confirmed by the cluster (accepted by the API server)
            {result?.historyId ? ' — it is in History, where you can undo it' : ''}.
          </p>
        )}
        {status === 'applied' && review.proxies && <ProxyConfirmation watch={review.proxies} />}
        {status === 'applied' && result?.warning && (
          <p role="alert" className="warn">
            {result.warning}
          </p>
        )}
        <div className="modal-actions">
          {plan && plan.steps.length > 0 && status !== 'applied' && (
            <button
              type="button"
              disabled={status !== 'ready' || dryRunFailed}
              onClick={() => void store.getState().apply()}
            >
              {status === 'applying' ? 'Applying…' : 'Apply'}
            </button>
          )}
          <button type="button" className="secondary" disabled={status === 'applying'} onClick={close}>
            {status === 'applied' || status === 'failed' || plan?.steps.length === 0 ? 'Close' : 'Cancel'}
          </button>
        </div>
      </div>
    </div>
  );
}
