/**
 * How the live charts print numbers: rounded to what the eye can use, always with the unit
 * (requests per second, percent of successful requests, milliseconds of latency).
 */
export type MetricKind = 'rps' | 'successRate' | 'p95';

/** Drops the zeros a fixed precision leaves at the end: 2.30 → 2.3, 5.00 → 5. */
function trimmed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function rps(v: number): string {
  const a = Math.abs(v);
  if (a >= 10_000) return `${trimmed(v / 1000, 1)}k`;
  if (a >= 100) return String(Math.round(v));
  if (a >= 10) return trimmed(v, 1);
  if (a >= 0.01 || a === 0) return trimmed(v, 2);
  return '<0.01';
}

function percent(v: number): string {
  // 99.97% and 99.9% differ a lot to an operator: near 100 one more digit, and a rate below 100
  // never reads as 100.
  if (v >= 99.5 && v < 100) {
    const s = trimmed(v, 2);
    return s === '100' ? '99.99' : s;
  }
  return trimmed(v, 1);
}

function ms(v: number): string {
  if (v >= 10_000) return `${trimmed(v / 1000, 1)} s`;
  if (v >= 1000) return `${trimmed(v / 1000, 2)} s`;
  if (v >= 10) return `${Math.round(v)} ms`;
  return `${trimmed(v, 1)} ms`;
}

/** One value with its unit, for tooltips, tables and accessible names. */
export function formatMetric(kind: MetricKind, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'no traffic';
  if (kind === 'rps') return `${rps(v)} req/s`;
  if (kind === 'successRate') return `${percent(v)}%`;
  return ms(v);
}

/** A value axis label: short (no "req/s", the title says it), so that labels fit side by side. */
export function formatAxisValue(kind: MetricKind, v: number): string {
  if (kind === 'rps') return rps(v);
  if (kind === 'successRate') return `${trimmed(v, 1)}%`;
  return ms(v);
}

const two = (n: number) => String(n).padStart(2, '0');

/** A time axis label or tooltip heading: hours and minutes (with seconds when asked), local time. */
export function formatClock(t: number, seconds = false): string {
  const d = new Date(t);
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
  return seconds ? `${hm}:${two(d.getSeconds())}` : hm;
}

export interface TooltipRow {
  version: string;
  color: string;
  value: number | null | undefined;
}

/** Rich-text tooltips treat `{…|…}` as markup: braces in a version name are shown as parentheses. */
const plain = (s: string) =>
  s
    .replace(/[{]/g, '(')
    .replace(/[}]/g, ')')
    .replace(/[\r\n]/g, ' ');

/**
 * The tooltip of one step: its time, then each version's rounded value with its unit, and for
 * requests per second the total (the top of the stack). Plain text, drawn on the chart's canvas
 * (echarts' rich-text mode): no HTML, so no inline styles for the desktop CSP to refuse and no
 * markup in a version name (they come from the cluster) can reach the page.
 */
export function tooltipText(kind: MetricKind, t: number, rows: readonly TooltipRow[]): string {
  const lines = rows.map((r) => `${plain(r.version)}: ${formatMetric(kind, r.value)}`);
  if (kind === 'rps' && rows.length > 1) {
    const total = rows.reduce(
      (n, r) => n + (r.value !== null && r.value !== undefined && Number.isFinite(r.value) ? r.value : 0),
      0,
    );
    lines.push(`Total: ${formatMetric('rps', total)}`);
  }
  return [formatClock(t, true), ...lines].join('\n');
}
