import { describe, expect, it } from 'vitest';
import { chartOption, tooltipFor } from '../../../renderer/src/features/metrics/chart-options.ts';
import {
  formatAxisValue,
  formatClock,
  formatMetric,
  tooltipText,
} from '../../../shared/metrics/metric-format.ts';

describe('numbers on the live charts', () => {
  it('rounds requests per second and says the unit (the issue printed 2.2957092101667125)', () => {
    expect(formatMetric('rps', 2.2957092101667125)).toBe('2.3 req/s');
    expect(formatMetric('rps', 0)).toBe('0 req/s');
    expect(formatMetric('rps', 0.004)).toBe('<0.01 req/s');
    expect(formatMetric('rps', 12.345)).toBe('12.3 req/s');
    expect(formatMetric('rps', 412.7)).toBe('413 req/s');
    expect(formatMetric('rps', 15_230)).toBe('15.2k req/s');
  });

  it('shows success rates near 100% with one more digit, never rounded up to 100%', () => {
    expect(formatMetric('successRate', 97.83333)).toBe('97.8%');
    expect(formatMetric('successRate', 99.9666)).toBe('99.97%');
    expect(formatMetric('successRate', 99.9999)).toBe('99.99%');
    expect(formatMetric('successRate', 100)).toBe('100%');
  });

  it('shows latency in ms, and in seconds from one second up', () => {
    expect(formatMetric('p95', 4.26)).toBe('4.3 ms');
    expect(formatMetric('p95', 187.6)).toBe('188 ms');
    expect(formatMetric('p95', 1250)).toBe('1.25 s');
    expect(formatMetric('p95', null)).toBe('no traffic');
    expect(formatMetric('p95', Number.NaN)).toBe('no traffic');
  });

  it('keeps axis labels short', () => {
    expect(formatAxisValue('rps', 1500)).toBe('1500');
    expect(formatAxisValue('rps', 25_000)).toBe('25k');
    expect(formatAxisValue('successRate', 99.5)).toBe('99.5%');
    expect(formatAxisValue('p95', 2000)).toBe('2 s');
  });

  it('writes a tooltip with the time, each version rounded with its unit, and the total', () => {
    const t = new Date(2026, 0, 2, 9, 5, 7).getTime();
    const html = tooltipText('rps', t, [
      { version: 'v1', color: '#2f6fde', value: 2.2957092101667125 },
      { version: 'v2', color: '#e8710a', value: 0.5 },
    ]);
    expect(html).toContain(formatClock(t, true));
    expect(formatClock(t, true)).toBe('09:05:07');
    expect(html).toContain('v1: 2.3 req/s');
    expect(html).toContain('v2: 0.5 req/s');
    expect(html).toContain('Total: 2.8 req/s');
    expect(html).not.toContain('2.2957');
  });

  it('keeps rich-text markup in version names (they come from the cluster) from styling the tooltip', () => {
    const text = tooltipText('p95', 0, [{ version: '{a|x}\nv9', color: '#000', value: 5 }]);
    expect(text).not.toContain('{');
    expect(text.split('\n')).toHaveLength(2);
  });

  it('gives the chart a tooltip formatter and axis labels that hide rather than overlap', () => {
    const option = chartOption('successRate', [], () => '#000', [], [0, 1]);
    expect(option.xAxis.axisLabel.hideOverlap).toBe(true);
    expect(option.yAxis.axisLabel.hideOverlap).toBe(true);
    expect(option.legend.type).toBe('scroll');
    expect(option.yAxis.axisLabel.formatter(99.5)).toBe('99.5%');
    const html = tooltipFor('successRate', [
      { seriesName: 'v3', color: '#1f883d', value: [60_000, 97.83333], axisValue: 60_000 },
    ]);
    expect(html).toContain('v3: 97.8%');
    expect(option.tooltip.renderMode).toBe('richText');
  });
});
