import type { FleetPlanView } from '../../../../shared/api/fleet-schemas.ts';
import { YamlDiff } from '../apply/yaml-diff.tsx';

// A planned fleet change before anything is applied: the waves (canary first), the limit, the hold
// and the gate, then each cluster's review: its steps with the diff and dry-run, or why it is skipped.

export function FleetPlanReview({ plan }: { plan: FleetPlanView }) {
  const planned = plan.clusters.filter((c) => !c.skipped);
  return (
    <section aria-label="Fleet plan">
      <p>
        <strong>{plan.change}</strong> for {plan.host} in {plan.namespace}: {planned.length} of{' '}
        {plan.clusters.length} clusters.
      </p>
      <dl className="fleet-plan-terms">
        <dt>Canary cluster</dt>
        <dd>{plan.canary || 'none (no cluster can take the change)'}</dd>
        <dt>Clusters changed at once after the canary</dt>
        <dd>{plan.maxParallel}</dd>
        <dt>Hold between waves</dt>
        <dd>{plan.holdSeconds} s</dd>
        <dt>Health gate between waves</dt>
        <dd>{plan.gate ? 'on: each wave is judged before the next' : 'off'}</dd>
      </dl>
      <ol aria-label="Waves">
        {plan.waves.map((wave, i) => (
          <li key={wave.join(',')}>
            Wave {i + 1}
            {i === 0 ? ' (canary)' : ''}: {wave.join(', ')}
          </li>
        ))}
      </ol>
      <ul aria-label="Clusters" className="fleet-clusters">
        {plan.clusters.map((c) => (
          <li key={c.contextId} aria-label={c.contextId}>
            <h3>
              {c.contextId}{' '}
              {c.skipped ? (
                <span className="chip chip-warn">skipped</span>
              ) : (
                <span className="chip">wave {c.wave}</span>
              )}
            </h3>
            {c.skipped && (
              <p>
                Skipped ({c.skipped.kind}): {c.skipped.reason}
              </p>
            )}
            {c.plan && (
              <ol aria-label={`Steps in ${c.contextId}`} className="plan-steps">
                {c.plan.steps.map((step) => (
                  <li key={step.id}>
                    <div className="row">
                      <strong>
                        {step.target.kind} {step.target.namespace}/{step.target.name}
                      </strong>
                      <span className={`chip ${step.dryRun.ok ? 'chip-ok' : 'chip-err'}`}>
                        {step.dryRun.ok ? 'dry-run passed' : `dry-run failed: ${step.dryRun.message ?? ''}`}
                      </span>
                    </div>
                    <div className="muted small">{step.description}</div>
                    <YamlDiff
                      before={step.beforeYaml}
                      after={step.afterYaml}
                      label={`Diff of ${step.target.kind} ${step.target.name} in ${c.contextId}`}
                    />
                  </li>
                ))}
                {c.plan.steps.length === 0 && <li>Nothing to change: the cluster is already so.</li>}
              </ol>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
