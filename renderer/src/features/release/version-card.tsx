import { memo } from 'react';
import type { VersionView } from '../../../../shared/api/console-schemas.ts';
import { shareWithRawWeight } from '../../../../shared/mesh/model/index.ts';
import type { TrafficFigures } from '../traffic/traffic-figures.ts';

export function ageOf(createdAt: string | undefined, now = Date.now()): string {
  if (!createdAt) return 'unknown age';
  const s = Math.max(0, Math.round((now - Date.parse(createdAt)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

interface VersionCardProps {
  version: VersionView;
  color: string;
  /** The share in the operator's current (maybe unapplied) edit. */
  desiredWeight: number;
  isRollbackTarget: boolean;
  editable: boolean;
  /** The share of requests it receives (measured or estimated); undefined where neither is known. */
  traffic?: TrafficFigures | undefined;
  /** What the route as it is now sends, shown beside a measurement that still lags a change. */
  routeNow?: TrafficFigures | undefined;
  onCutOver: (version: string, kind: 'switch' | 'rollback') => void;
}

/** One version: what runs (image, pods, restarts, age, rollout) and its share of traffic. */
export const VersionCard = memo(function VersionCard({
  version: v,
  color,
  desiredWeight,
  isRollbackTarget,
  editable,
  traffic,
  routeNow,
  onCutOver,
}: VersionCardProps) {
  const share = traffic ? (traffic.percent[v.name] ?? 0) : undefined;
  const nowShare = routeNow?.percent[v.name] ?? 0;
  const measuredNow = traffic?.source === 'measured' && routeNow !== undefined;
  const rollout = v.rollout;
  const progress =
    rollout && rollout.desired > 0 ? Math.round((rollout.ready / rollout.desired) * 100) : undefined;
  return (
    <article className="version-card" aria-label={`Version ${v.name}`} style={{ borderTopColor: color }}>
      <header>
        <h4>{v.name}</h4>
        {share !== undefined ? (
          <span className="share" title={traffic?.basis}>
            {share}% <span className="share-source">{traffic?.source}</span>
          </span>
        ) : (
          <span className="share" title="catch-all weight (no measured or estimated traffic yet)">
            {v.weight}%{desiredWeight !== v.weight ? ` → ${desiredWeight}%` : ''}
          </span>
        )}
      </header>
      <dl>
        {v.rawWeight !== undefined && (
          <>
            <dt title="HTTPRoute backendRef weights are relative: the share is this weight over their sum">
              Backend weight
            </dt>
            <dd>{shareWithRawWeight(v.weight, v.rawWeight)}</dd>
          </>
        )}
        {/* Shown whatever the slider says, like "Route now" below: a row that came and went while
            dragging grew the card and moved the split editor under the pointer. */}
        {share !== undefined && (
          <>
            <dt>Catch-all weight</dt>
            <dd>
              {v.weight}%{desiredWeight !== v.weight ? ` → ${desiredWeight}%` : ''}
            </dd>
          </>
        )}
        {measuredNow && (
          <>
            <dt>Route now</dt>
            <dd title={routeNow?.basis}>sends ≈{nowShare}% (estimated)</dd>
          </>
        )}
        <dt>Image</dt>
        <dd className="mono">{v.image ?? (v.deployments.length === 0 ? 'no Deployment' : 'unknown')}</dd>
        <dt>Pods ready</dt>
        <dd>{v.podsUnknown ? 'unknown here' : `${v.podsReady}/${v.podsTotal}`}</dd>
        <dt>Restarts</dt>
        <dd className={v.restarts > 0 ? 'warn' : undefined}>{v.podsUnknown ? 'unknown' : v.restarts}</dd>
        <dt>Age</dt>
        <dd>{ageOf(v.createdAt)}</dd>
        {rollout && (
          <>
            <dt>Rollout</dt>
            <dd>
              {rollout.done ? (
                'complete'
              ) : (
                <progress aria-label={`Rollout of ${v.name}`} max={100} value={progress ?? 0}>
                  {progress}%
                </progress>
              )}{' '}
              {!rollout.done && `${rollout.ready}/${rollout.desired} ready`}
            </dd>
          </>
        )}
      </dl>
      {!v.declared && (
        <p className="muted small">
          {v.unroutable ?? 'Not declared as a subset yet: it cannot take traffic.'}
        </p>
      )}
      <div className="card-actions">
        {(v.weight < 100 || (routeNow?.percent[v.name] ?? share ?? 100) < 100) && (
          <button
            type="button"
            className="secondary"
            disabled={!editable || !v.declared}
            onClick={() => onCutOver(v.name, 'switch')}
          >
            Switch all traffic to {v.name}
          </button>
        )}
        {isRollbackTarget && (
          <button
            type="button"
            className="secondary danger"
            disabled={!editable}
            onClick={() => onCutOver(v.name, 'rollback')}
          >
            Roll back to {v.name}
          </button>
        )}
      </div>
    </article>
  );
});
