import type { VersionSeries } from '../../../../shared/api/metrics-schemas.ts';
import type { MetricKind, TooltipRow } from '../../../../shared/metrics/metric-format.ts';
import {
  formatAxisValue,
  formatClock,
  formatMetric,
  tooltipText,
} from '../../../../shared/metrics/metric-format.ts';
import { alignSteps } from '../../../../shared/metrics/stacked-steps.ts';
import type { ChangeMarker } from '../../stores/metrics-store.ts';

export type ChartKind = MetricKind;

export const CHART_TITLES: Record<ChartKind, string> = {
  rps: 'Requests per second',
  successRate: 'Success rate',
  p95: 'p95 latency',
};

/** A value with its unit, rounded (e.g. "2.3 req/s", "99.97%", "180 ms"). */
export const formatValue = formatMetric;

const valuesOf = (kind: ChartKind) => (s: VersionSeries) =>
  kind === 'rps' ? s.rps : kind === 'successRate' ? s.successRate : s.p95;

/** The last value of each version, for the chart's accessible name. */
export function latestSummary(kind: ChartKind, series: readonly VersionSeries[]): string {
  const parts = series.map((s) => {
    const values = valuesOf(kind)(s);
    return `${s.version} ${formatValue(kind, values[values.length - 1])}`;
  });
  return `${CHART_TITLES[kind]}, latest: ${parts.join(', ') || 'no data'}`;
}

/** What echarts hands an axis tooltip formatter, as far as it is read here. */
interface TooltipParam {
  seriesName?: string;
  color?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

/** The tooltip of one step, from the points echarts found under the pointer. */
export function tooltipFor(kind: ChartKind, params: TooltipParam | TooltipParam[]): string {
  const list = Array.isArray(params) ? params : [params];
  const first = list[0];
  const pointTime = (p: TooltipParam | undefined) =>
    Array.isArray(p?.value) ? Number(p.value[0]) : Number(p?.axisValue ?? Number.NaN);
  const rows: TooltipRow[] = list.map((p) => ({
    version: String(p.seriesName ?? ''),
    color: typeof p.color === 'string' ? p.color : '#888',
    value: Array.isArray(p.value) && typeof p.value[1] === 'number' ? p.value[1] : null,
  }));
  return tooltipText(kind, pointTime(first), rows);
}

/**
 * The echarts option for one metric: requests per second stacked (the area is the whole traffic),
 * success rate and p95 as plain lines; History's changes as vertical marker lines. Every version
 * is drawn on the same steps (echarts stacks by position), values are rounded with their unit in
 * the tooltip, and labels that would overlap are left out rather than drawn over each other.
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
  const aligned = alignSteps(series, valuesOf(kind), kind === 'rps' ? 0 : null);
  return {
    animation: false,
    // Room at the top for one scrolling row of legend; the labels are kept inside the box.
    grid: {
      left: 8,
      right: 16,
      top: 32,
      bottom: 4,
      outerBoundsMode: 'same' as const,
      outerBoundsContain: 'axisLabel' as const,
    },
    tooltip: {
      trigger: 'axis' as const,
      confine: true,
      // Drawn on the canvas: echarts' HTML tooltip writes style="…" markup, which the desktop CSP
      // (style-src without 'unsafe-inline') refuses.
      renderMode: 'richText' as const,
      formatter: (params: TooltipParam | TooltipParam[]) => tooltipFor(kind, params),
    },
    legend: { top: 0, type: 'scroll' as const, itemWidth: 14, itemGap: 8 },
    xAxis: {
      type: 'time' as const,
      min: from,
      max: to,
      axisLabel: { hideOverlap: true, formatter: (t: number) => formatClock(t) },
      splitNumber: 4,
    },
    yAxis: {
      type: 'value' as const,
      ...(kind === 'successRate' ? { max: 100, scale: true } : { min: 0 }),
      splitNumber: 4,
      axisLabel: { hideOverlap: true, formatter: (v: number) => formatAxisValue(kind, v) },
    },
    series: aligned.lines.map((line, i) => ({
      name: line.version,
      type: 'line' as const,
      showSymbol: false,
      connectNulls: false,
      color: color(line.version),
      ...(kind === 'rps' ? { stack: 'traffic', areaStyle: { opacity: 0.25 } } : {}),
      data: aligned.t.map((t, j) => [t, line.values[j] ?? null]),
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
    })),
  };
}
