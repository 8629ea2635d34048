import { useEffect, useRef } from 'react';
import type { VersionSeries } from '../../../../shared/api/metrics-schemas.ts';
import type { ChangeMarker } from '../../stores/metrics-store.ts';
import type { ChartKind } from './chart-options.ts';
import { CHART_TITLES, chartOption, formatValue, latestSummary } from './chart-options.ts';

type EChartsInstance = ReturnType<typeof import('echarts/core')['init']>;

export const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

// A live tick changes every chart at once; drawn together they take several frames' budget in one
// frame (and stall a slider being dragged), so each chart draws in a frame of its own. Keyed by
// chart: a newer update of a chart still waiting replaces its older one.
const waiting = new Map<object, () => void>();
let draining = false;
function drawInOwnFrame(chart: object, draw: () => void) {
  waiting.set(chart, draw);
  if (draining) return;
  draining = true;
  requestAnimationFrame(drainOne);
}
function drainOne() {
  const next = waiting.entries().next();
  if (!next.done) {
    const [chart, draw] = next.value;
    waiting.delete(chart);
    draw();
  }
  if (waiting.size > 0) requestAnimationFrame(drainOne);
  else draining = false;
}

interface MetricChartProps {
  kind: ChartKind;
  series: VersionSeries[];
  markers: ChangeMarker[];
  color: (version: string) => string;
  range: readonly [number, number];
}

/** One echarts line chart, loaded on first use; a table of the latest values for screen readers. */
export function MetricChart({ kind, series, markers, color, range }: MetricChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsInstance | null>(null);
  const latest = useRef({ kind, series, markers, color, range });
  latest.current = { kind, series, markers, color, range };

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void import('./echarts-trimmed.ts').then(({ echarts }) => {
      if (disposed || !box.current) return;
      const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
      chart.current = instance;
      const l = latest.current;
      instance.setOption(chartOption(l.kind, l.series, l.color, l.markers, l.range), true, true);
      observer = new ResizeObserver(() => instance.resize());
      observer.observe(box.current);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      if (chart.current) waiting.delete(chart.current);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    // notMerge: versions come and go. Drawn right away within the frame drawInOwnFrame gives it.
    drawInOwnFrame(instance, () => {
      if (instance.isDisposed()) return;
      const start = performance.now();
      instance.setOption(chartOption(kind, series, color, markers, range), true, false);
      // For the console bench: how long one chart's update holds the frame it is drawn in.
      performance.measure('switchyard:chart-draw', { start });
    });
  }, [kind, series, markers, color, range]);

  const label = latestSummary(kind, series);
  return (
    <figure className="metric-chart" style={{ margin: 0, position: 'relative' }}>
      <figcaption className="small">{CHART_TITLES[kind]}</figcaption>
      <div ref={box} role="img" aria-label={label} style={{ width: '100%', height: 180 }} />
      <table style={visuallyHidden}>
        <caption>{CHART_TITLES[kind]}, latest values per version</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Latest</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => {
            const values = kind === 'rps' ? s.rps : kind === 'successRate' ? s.successRate : s.p95;
            return (
              <tr key={s.version}>
                <th scope="row">{s.version}</th>
                <td>{formatValue(kind, values[values.length - 1])}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}
