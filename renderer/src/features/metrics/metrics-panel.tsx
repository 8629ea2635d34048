import { memo, useEffect, useMemo } from 'react';
import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import { formatClock } from '../../../../shared/metrics/metric-format.ts';
import type { ApiClient } from '../../api/api-client.ts';
import { metricsStoreFor } from '../../stores/metrics-store.ts';
import { CanaryComparison } from './canary-comparison.tsx';
import { MetricChart } from './metric-chart.tsx';
import { PrometheusSettingsForm } from './prometheus-settings-form.tsx';
import { UndeliveredNote } from './undelivered-note.tsx';

const WINDOWS: Array<[number, string]> = [
  [300, '5 minutes'],
  [900, '15 minutes'],
  [3600, '1 hour'],
  [10_800, '3 hours'],
  [21_600, '6 hours'],
];

interface MetricsPanelProps {
  api: ApiClient;
  contextId: string;
  releaseId: string;
  view: ReleaseView;
  color: (version: string) => string;
}

/** Live access information for the service on screen: charts per version, canary against stable. */
export const MetricsPanel = memo(function MetricsPanel({
  api,
  contextId,
  releaseId,
  view,
  color,
}: MetricsPanelProps) {
  const store = metricsStoreFor(api);
  const snapshot = store((s) => s.snapshot);
  const markers = store((s) => s.markers);
  const error = store((s) => s.error);
  const settings = store((s) => s.settings);
  const windowSeconds = store((s) => s.windowSeconds);
  const count4xx = store((s) => s.count4xxAsErrors);

  useEffect(() => {
    void store.getState().show(contextId, releaseId);
    return () => void store.getState().hide(contextId, releaseId);
  }, [store, contextId, releaseId]);

  const mine = snapshot?.contextId === contextId && snapshot.releaseId === releaseId ? snapshot : undefined;
  const series = useMemo(
    () => mine?.series.filter((s) => s.inRelease || s.rps.some((v) => v > 0)) ?? [],
    [mine],
  );
  // The newest step held: it moves with every point, which shows the charts are live.
  const lastPoint = useMemo(() => {
    const times = mine?.series.flatMap((s) => s.t.slice(-1)) ?? [];
    return times.length > 0 ? Math.max(...times) : undefined;
  }, [mine]);
  const end = mine?.updatedAt ?? 0;
  const span = (mine?.windowSeconds ?? windowSeconds) * 1000;
  const range = useMemo(() => [end - span, end] as const, [end, span]);

  return (
    <section className="panel metrics-panel" aria-labelledby="metrics-heading">
      <div className="panel-head">
        <h3 id="metrics-heading">Live traffic</h3>
        <label>
          Window{' '}
          <select
            value={windowSeconds}
            onChange={(e) => void store.getState().setWindow(Number(e.target.value))}
            aria-label="Chart window"
          >
            {WINDOWS.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          <input
            type="checkbox"
            checked={count4xx}
            onChange={(e) => void store.getState().setCount4xx(e.target.checked)}
          />{' '}
          Count 4xx as errors
        </label>
        {mine && mine.state !== 'no-prometheus' && (
          <span className="muted small">
            {mine.source.kind === 'none' ? '' : mine.source.description}
            {' · '}
            {mine.state === 'paused'
              ? 'paused while the window is hidden'
              : lastPoint === undefined
                ? 'waiting for the first point'
                : `last point at ${formatClock(lastPoint, true)}`}
          </span>
        )}
      </div>
      {error && (
        <div role="alert" className="banner banner-error">
          Could not read metrics: {error.message}
        </div>
      )}
      {!mine && !error && <p aria-busy="true">Reading metrics…</p>}
      {mine?.state === 'no-prometheus' && (
        <div role="note" aria-label="No Prometheus" className="banner banner-warn">
          <p>
            <strong>No Prometheus found for this cluster.</strong>{' '}
            {mine.source.kind === 'none' ? `Switchyard looked for one: ${mine.source.reason}.` : ''} Charts
            need Istio's metrics from Prometheus: install it in istio-system or monitoring, or give its URL
            here.
          </p>
          <PrometheusSettingsForm store={store} settings={settings} />
        </div>
      )}
      {mine?.state === 'error' && (
        <div role="alert" className="banner banner-error">
          Prometheus did not answer: {mine.message}. Trying again shortly.
        </div>
      )}
      {mine && mine.state !== 'no-prometheus' && (
        <>
          <UndeliveredNote snapshot={mine} />
          <div
            className="metric-charts"
            style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))', gap: 12 }}
          >
            <MetricChart kind="rps" series={series} markers={markers} color={color} range={range} />
            <MetricChart kind="successRate" series={series} markers={markers} color={color} range={range} />
            <MetricChart kind="p95" series={series} markers={markers} color={color} range={range} />
          </div>
          <CanaryComparison snapshot={mine} view={view} />
          <details>
            <summary>Prometheus for this context</summary>
            <PrometheusSettingsForm store={store} settings={settings} />
          </details>
        </>
      )}
    </section>
  );
});
