import type { VersionSeries } from '../../../../shared/api/metrics-schemas.ts';
import type { ChangeMarker } from '../../stores/metrics-store.ts';

export type ChartKind = 'rps' | 'successRate' | 'p95';

export const CHART_TITLES: Record<ChartKind, string> = {
  rps: 'Requests per second',
  successRate: 'Success rate',
  p95: 'p95 latency',
};

export function formatValue(kind: ChartKind, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'no traffic';
  if (kind === 'rps') return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} req/s`;
  if (kind === 'successRate') return `${v >= 99.95 && v < 100 ? v.toFixed(2) : v.toFixed(1)}%`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

const valuesOf = (s: VersionSeries, kind: ChartKind) =>
  kind === 'rps' ? s.rps : kind === 'successRate' ? s.successRate : s.p95;

/** The last value of each version, for the chart's accessible name. */
export function latestSummary(kind: ChartKind, series: readonly VersionSeries[]): string {
  const parts = series.map((s) => {
    const values = valuesOf(s, kind);
    return `${s.version} ${formatValue(kind, values[values.length - 1])}`;
  });
  return `${CHART_TITLES[kind]}, latest: ${parts.join(', ') || 'no data'}`;
}

/**
 * The echarts option for one metric: requests per second stacked (the area is the whole traffic),
 * success rate and p95 as plain lines; History's changes as vertical marker lines.
 */
export function chartOption(
  kind: ChartKind,
  series: readonly VersionSeries[],
  color: (version: string) => string,
  markers: readonly ChangeMarker[],
  /** The window shown, [start, end] in ms: the axis spans it even while data is still short. */
  range: readonly [number, number],
) {
  const [from, to] = range;
  const visible = markers.filter((m) => m.time >= from && m.time <= to);
  return {
    animation: false,
    grid: { left: 48, right: 12, top: 28, bottom: 24 },
    // Drawn on the canvas: echarts' HTML tooltip writes style="…" markup, which the desktop CSP
    // (style-src without 'unsafe-inline') refuses.
    tooltip: { trigger: 'axis' as const, renderMode: 'richText' as const },
    legend: { top: 0, type: 'plain' as const },
    xAxis: { type: 'time' as const, min: from, max: to },
    yAxis: {
      type: 'value' as const,
      ...(kind === 'successRate' ? { max: 100, scale: true } : { min: 0 }),
      axisLabel: {
        formatter: kind === 'successRate' ? '{value}%' : kind === 'p95' ? '{value} ms' : '{value}',
      },
    },
    series: series.map((s, i) => {
      const values = valuesOf(s, kind);
      return {
        name: s.version,
        type: 'line' as const,
        showSymbol: false,
        connectNulls: false,
        color: color(s.version),
        ...(kind === 'rps' ? { stack: 'traffic', areaStyle: { opacity: 0.25 } } : {}),
        data: s.t.map((t, j) => [t, values[j] ?? null]),
        ...(i === 0 && visible.length > 0
          ? {
              markLine: {
                symbol: 'none',
                label: { show: false },
                lineStyle: { type: 'dashed' as const, color: '#5f6368' },
                data: visible.map((m) => ({ xAxis: m.time, name: m.summary })),
              },
            }
          : {}),
      };
    }),
  };
}
