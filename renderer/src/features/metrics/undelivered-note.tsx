import type { MetricsSnapshot } from '../../../../shared/api/metrics-schemas.ts';
import { NOT_DELIVERED } from '../../../../shared/metrics/not-delivered.ts';

/**
 * Requests to the service that reached no version, now: the callers' proxies answered them (503
 * when a subset selects no pod or is not defined; 500 for a backend that does not exist). Null when
 * there are none, or none fail.
 */
export function undeliveredNow(snapshot: MetricsSnapshot): { rps: number; share: number } | null {
  const lost = snapshot.latest.find((l) => l.version === NOT_DELIVERED);
  const rps = lost?.rps ?? 0;
  if (!lost || rps <= 0 || (lost.successRate !== null && lost.successRate >= 100)) return null;
  const total = snapshot.latest.reduce((n, l) => n + (l.rps ?? 0), 0);
  return { rps, share: total > 0 ? (100 * rps) / total : 100 };
}

export function UndeliveredNote({ snapshot }: { snapshot: MetricsSnapshot }) {
  const lost = undeliveredNow(snapshot);
  if (!lost) return null;
  return (
    <p role="alert" aria-label="Requests reaching no version" className="banner banner-error">
      <strong>
        {lost.rps.toFixed(1)} req/s ({lost.share.toFixed(0)}% of this service's requests) reach no version.
      </strong>{' '}
      The mesh answers them itself with errors: a route sends them to a subset with no ready pods, one no
      DestinationRule defines, or a backend that does not exist. The versions' own figures do not include
      them.
    </p>
  );
}
