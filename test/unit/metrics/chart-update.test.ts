// A live chart's update is merged into the echarts instance (CHART_UPDATE), not a rebuild: what it
// shows after the update must still be exactly the new option's versions and markers.

import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { describe, expect, it } from 'vitest';
import { CHART_UPDATE, chartOption } from '../../../renderer/src/features/metrics/chart-options.ts';
import type { VersionSeries } from '../../../shared/api/metrics-schemas.ts';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

const series = (version: string, rps: number[]): VersionSeries => ({
  version,
  inRelease: true,
  t: rps.map((_, i) => 1000 * (i + 1)),
  rps,
  successRate: rps.map(() => 100),
  p50: rps.map(() => 10),
  p95: rps.map(() => 20),
  p99: rps.map(() => 30),
});
const color = () => '#000';

interface ShownSeries {
  name: string;
  data: unknown[];
  markLine?: { data?: unknown[] };
}
const shown = (chart: echarts.ECharts) => (chart.getOption() as { series: ShownSeries[] }).series;

describe('a live chart update', () => {
  it('removes the versions and change markers the new option no longer has', () => {
    const chart = echarts.init(null, undefined, { renderer: 'svg', ssr: true, width: 300, height: 180 });
    chart.setOption(
      chartOption(
        'rps',
        [series('v1', [1, 2]), series('v2', [3, 4])],
        color,
        [{ time: 1500, summary: 'x' }],
        [0, 3000],
      ),
      true,
      true,
    );
    expect(shown(chart).map((s) => s.name)).toEqual(['v1', 'v2']);
    expect(shown(chart)[0]?.markLine?.data).toHaveLength(1);

    // v1 goes, v3 comes, the marker left the window: v2 is now the first series.
    chart.setOption(
      chartOption(
        'rps',
        [series('v2', [4, 5]), series('v3', [6, 7])],
        color,
        [{ time: 1500, summary: 'x' }],
        [2000, 5000],
      ),
      CHART_UPDATE,
    );
    const after = shown(chart);
    expect(after.map((s) => s.name)).toEqual(['v2', 'v3']);
    expect(after.map((s) => s.markLine?.data ?? [])).toEqual([[], []]);
    expect(after[0]?.data).toEqual([
      [1000, 4],
      [2000, 5],
    ]);

    // A marker in the window again is on the first series only, once.
    chart.setOption(
      chartOption(
        'rps',
        [series('v3', [1]), series('v2', [1])],
        color,
        [{ time: 1000, summary: 'y' }],
        [0, 3000],
      ),
      CHART_UPDATE,
    );
    expect(shown(chart).map((s) => s.markLine?.data?.length ?? 0)).toEqual([1, 0]);
    chart.dispose();
  });
});
