import { useEffect } from 'react';
import type { RolloutPlanView } from '../../../../shared/api/console-schemas.ts';
import type { ReleaseHealthView } from '../../../../shared/api/release-flow-schemas.ts';
import type { WizardStore } from '../../stores/wizard-store.ts';
import { wizardKey } from '../../stores/wizard-store.ts';

const STATUS_TEXT: Record<ReleaseHealthView['status'], string> = {
  healthy: 'Healthy',
  worse: 'Worse',
  'not-enough-traffic': 'Not enough traffic yet',
  unknown: 'No verdict',
};
const STATUS_CHIP: Record<ReleaseHealthView['status'], string> = {
  healthy: 'chip chip-ok',
  worse: 'chip chip-err',
  'not-enough-traffic': 'chip',
  unknown: 'chip chip-warn',
};

/** How often the wizard asks again while a step shows the verdict. */
const REFRESH_MS = 10_000;

/** The release's own pair: the version being released against the stable one it replaces. */
export function useReleaseHealth(release: RolloutPlanView, wizard: WizardStore) {
  const key = wizardKey(release.contextId, release.id);
  const health = wizard((s) => s.health[key]);
  useEffect(() => {
    void wizard.getState().loadHealth();
    const timer = setInterval(() => void wizard.getState().loadHealth(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [wizard]);
  return health;
}

export function HealthCard({ release, health }: { release: RolloutPlanView; health?: ReleaseHealthView }) {
  const { canary, stable } = release;
  const label = `Health of ${canary.version} against ${stable.version}`;
  if (!health)
    return (
      <section className="comparison" aria-label={label} aria-busy="true">
        <p className="muted">
          Judging {canary.version} against {stable.version}…
        </p>
      </section>
    );
  const rows = health.verdict?.findings ?? [];
  return (
    <section className="comparison" aria-label={label}>
      <h4>
        {canary.version} (new) against {stable.version} (stable){' '}
        <span
          className={STATUS_CHIP[health.status]}
          role="status"
          aria-label={`Verdict: ${STATUS_TEXT[health.status]}`}
        >
          {STATUS_TEXT[health.status]}
        </span>
      </h4>
      <p>{health.summary}</p>
      {health.verdict && (
        <p className="muted small">
          {Math.round(health.verdict.canaryRequests)} request(s) to {canary.version},{' '}
          {Math.round(health.verdict.baselineRequests)} to {stable.version} over the last{' '}
          {Math.round(health.verdict.windowSeconds / 60)} minutes.
        </p>
      )}
      {rows.length > 0 && (
        <ul>
          {rows.map((f) => (
            <li key={f.metric} className={f.worse ? 'worse-figure' : undefined}>
              {f.text}
              {f.worse ? ' ▲ worse' : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
