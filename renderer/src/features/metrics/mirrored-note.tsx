import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import type { VersionLatest } from '../../../../shared/api/metrics-schemas.ts';
import { formatValue } from './chart-options.ts';

/**
 * While a mirror is on, the mirrored version's figures include the copies: Istio's standard metrics
 * have no label that tells a mirrored request apart (istio/istio#11475), and the copy is reported
 * by the receiving sidecar like any request. The copies' rate is estimated as the stable version's
 * rate × the mirrored percentage (the catch-all route carries the stable version's traffic).
 */
export function mirroredEstimate(
  view: ReleaseView,
  stable: string | undefined,
  latest: ReadonlyMap<string, VersionLatest>,
): { version: string; percentage: number; rps?: number } | null {
  const m = view.mirror;
  if (!m) return null;
  const stableRps = stable ? latest.get(stable)?.rps : undefined;
  return {
    version: m.version,
    percentage: m.percentage,
    ...(typeof stableRps === 'number' ? { rps: (stableRps * m.percentage) / 100 } : {}),
  };
}

export function MirroredNote({
  view,
  stable,
  latest,
}: {
  view: ReleaseView;
  stable: string | undefined;
  latest: ReadonlyMap<string, VersionLatest>;
}) {
  const est = mirroredEstimate(view, stable, latest);
  if (!est) return null;
  return (
    <p role="note" aria-label="Mirrored requests" className="banner banner-warn">
      A mirror copies {est.percentage}% of the catch-all route's requests to {est.version}: {est.version}'s
      figures include mirrored requests
      {est.rps !== undefined
        ? ` (about ${formatValue('rps', est.rps)} of its requests per second are copies)`
        : ''}
      . Their answers are discarded, so users never see them.
    </p>
  );
}
