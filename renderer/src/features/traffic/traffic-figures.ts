import type { PreviewView } from '../../../../shared/api/console-schemas.ts';
import type { MetricsSnapshot } from '../../../../shared/api/metrics-schemas.ts';
import { measuredShares, roundedPercents } from '../../../../shared/mesh/evaluate/index.ts';
import { NOT_DELIVERED } from '../../../../shared/metrics/not-delivered.ts';

// The share of requests each version receives, as the screens show it: measured by Prometheus when
// requests are flowing, else estimated by routing a sample population through the route (content
// rules first, then the catch-all). Never the catch-all weights alone, and always labelled.

export interface TrafficFigures {
  source: 'measured' | 'estimated';
  /** Where the figure comes from, in words: "measured by Prometheus over the last minute". */
  basis: string;
  /** Whole percents per version (largest remainder, so a row adds up to 100). */
  percent: Record<string, number>;
  /** Exact fractions 0..1 per version. */
  share: Record<string, number>;
  /** Percent of requests that reach no version (404, 503, a redirect); 0 when all are routed. */
  unrouted: number;
}

function figures(
  source: TrafficFigures['source'],
  basis: string,
  rows: ReadonlyArray<{ version: string; share: number }>,
  unroutedShare: number,
): TrafficFigures {
  const share: Record<string, number> = {};
  for (const r of rows) share[r.version] = (share[r.version] ?? 0) + r.share;
  const keys = Object.keys(share);
  const rounded = roundedPercents([
    ...keys.map((k) => ({ key: k, share: share[k] ?? 0 })),
    { key: '\u0000unrouted', share: unroutedShare },
  ]);
  const percent: Record<string, number> = {};
  for (const k of keys) percent[k] = rounded.get(k) ?? 0;
  return { source, basis, percent, share, unrouted: rounded.get('\u0000unrouted') ?? 0 };
}

/**
 * Measured shares from a live metrics snapshot of the same service; undefined without traffic, and
 * while one of the release's `mirrors` copies requests: the mirrored version's sidecar reports the
 * copies like any request (no label tells them apart), so the rates are not where requests go.
 */
export function measuredFigures(
  snapshot: MetricsSnapshot | undefined,
  mirrors?: ReadonlyArray<{ percentage: number }>,
): TrafficFigures | undefined {
  if (snapshot?.state !== 'live') return undefined;
  if (mirrors?.some((m) => m.percentage > 0)) return undefined;
  const rows = measuredShares(snapshot.latest.map((l) => ({ version: l.version, rps: l.rps })));
  if (rows.length === 0) return undefined;
  // Requests no version received are no version's share: they are the unrouted part of the row.
  const lost = rows.filter((r) => r.version === NOT_DELIVERED).reduce((n, r) => n + r.share, 0);
  const versions = rows.filter((r) => r.version !== NOT_DELIVERED);
  return figures('measured', 'measured by Prometheus (request rate over the last minute)', versions, lost);
}

/** Estimated shares from a preview of the route over a sample population. */
export function estimatedFigures(
  preview: PreviewView | undefined,
  sampleName?: string,
): TrafficFigures | undefined {
  if (!preview || preview.total === 0) return undefined;
  const population =
    preview.source === 'demo' ? 'the demo visitor population' : `the sample ${sampleName ?? 'imported'}`;
  const unrouted = Math.max(0, 1 - preview.versions.reduce((s, v) => s + v.share, 0));
  return figures(
    'estimated',
    `estimated by routing ${preview.total.toLocaleString('en-US')} requests of ${population} through the route`,
    preview.versions,
    unrouted,
  );
}

/**
 * The estimate for a split being dragged: what the content rules catch does not depend on the
 * catch-all weights, so the rules' part comes from the last preview and the rest is divided by the
 * weights on screen now, with no round trip per pointer move.
 */
export function estimatedForSplit(
  preview: PreviewView | undefined,
  split: ReadonlyArray<{ version: string; weight: number }>,
  sampleName?: string,
): TrafficFigures | undefined {
  const base = estimatedFigures(preview, sampleName);
  if (!preview || !base || preview.versions.some((v) => v.viaRules === undefined)) return base;
  const sum = split.reduce((s, v) => s + Math.max(0, v.weight), 0);
  if (!(sum > 0)) return base;
  const rows = new Map<string, number>();
  for (const v of preview.versions) rows.set(v.version, v.viaRules ?? 0);
  for (const v of split)
    rows.set(v.version, (rows.get(v.version) ?? 0) + (preview.unmatched.share * Math.max(0, v.weight)) / sum);
  const list = [...rows].map(([version, share]) => ({ version, share }));
  const routed = list.reduce((s, r) => s + r.share, 0);
  return figures('estimated', base.basis, list, Math.max(0, 1 - routed));
}

/** Measured when requests flow, else estimated; undefined when neither is known. */
export function bestFigures(
  measured: TrafficFigures | undefined,
  estimated: TrafficFigures | undefined,
): TrafficFigures | undefined {
  return measured ?? estimated;
}

/** "v1 80%, v2 20%", in the given version order, for labels and confirmations. */
export function describeShares(f: TrafficFigures, versions: readonly string[]): string {
  return versions.map((v) => `${v} ${f.percent[v] ?? 0}%`).join(', ');
}
