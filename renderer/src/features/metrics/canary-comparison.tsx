import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import type { MetricsSnapshot, VersionLatest } from '../../../../shared/api/metrics-schemas.ts';
import { measuredFigures } from '../traffic/traffic-figures.ts';
import { formatValue } from './chart-options.ts';
import { MirroredNote } from './mirrored-note.tsx';

interface CanaryComparisonProps {
  snapshot: MetricsSnapshot;
  view: ReleaseView;
}

const STATUS_TEXT = { healthy: 'Healthy', worse: 'Worse', 'not-enough-traffic': 'Not enough traffic yet' };
const STATUS_CHIP = { healthy: 'chip chip-ok', worse: 'chip chip-err', 'not-enough-traffic': 'chip' };

function Pods({ view, version }: { view: ReleaseView; version: string }) {
  const v = view.versions.find((x) => x.name === version);
  if (!v) return <span className="muted">not in the route</span>;
  const ok = v.podsTotal > 0 && v.podsReady === v.podsTotal;
  return (
    <span className={ok ? '' : 'chip chip-warn'}>
      {v.podsReady}/{v.podsTotal} pods ready{v.restarts > 0 ? `, ${v.restarts} restart(s)` : ''}
    </span>
  );
}

/** Canary next to stable: latest figures, pod status, and the verdict with what differs highlighted. */
export function CanaryComparison({ snapshot, view }: CanaryComparisonProps) {
  const { stable } = snapshot;
  const byVersion = new Map<string, VersionLatest>(snapshot.latest.map((l) => [l.version, l]));
  const verdict = snapshot.verdicts.find((v) => v.status === 'worse') ?? snapshot.verdicts[0];
  const canary = verdict?.canary ?? snapshot.canaries[0];
  if (!stable || !canary) {
    return (
      <section className="comparison" aria-label="Canary against stable">
        <p className="muted">
          No canary receives traffic: the comparison appears once a second version has a share.
        </p>
      </section>
    );
  }
  const measured = measuredFigures(snapshot, view.mirrors);
  const worse = new Set(verdict?.findings.filter((f) => f.worse).map((f) => f.metric));
  const rows: Array<{
    label: string;
    kind: 'rps' | 'successRate' | 'p95';
    metric?: 'success-rate' | 'p95-latency';
  }> = [
    { label: 'Requests per second', kind: 'rps' },
    { label: 'Success rate', kind: 'successRate', metric: 'success-rate' },
    { label: 'p95 latency', kind: 'p95', metric: 'p95-latency' },
  ];
  return (
    <section className="comparison" aria-label={`Canary ${canary} against stable ${stable}`}>
      <h3>
        {canary} against {stable}{' '}
        {verdict && (
          <span className={STATUS_CHIP[verdict.status]} role="status">
            {STATUS_TEXT[verdict.status]}
          </span>
        )}
      </h3>
      {verdict && <p>{verdict.summary}</p>}
      <MirroredNote view={view} stable={stable} latest={byVersion} />
      <table>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{canary} (canary)</th>
            <th scope="col">{stable} (stable)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const isWorse = r.metric !== undefined && worse.has(r.metric);
            return (
              <tr key={r.kind}>
                <th scope="row">{r.label}</th>
                <td className={isWorse ? 'worse-figure' : undefined}>
                  {formatValue(r.kind, byVersion.get(canary)?.[r.kind])}
                  {isWorse && ' ▲ worse'}
                </td>
                <td>{formatValue(r.kind, byVersion.get(stable)?.[r.kind])}</td>
              </tr>
            );
          })}
          {measured && (
            <tr>
              <th scope="row" title={measured.basis}>
                Share of requests (measured)
              </th>
              <td>{measured.percent[canary] ?? 0}%</td>
              <td>{measured.percent[stable] ?? 0}%</td>
            </tr>
          )}
          <tr>
            <th scope="row">Pods</th>
            <td>
              <Pods view={view} version={canary} />
            </td>
            <td>
              <Pods view={view} version={stable} />
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
