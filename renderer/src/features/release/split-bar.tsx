import type { VersionWeight } from '../../../../shared/mesh/model/index.ts';
import type { TrafficFigures } from '../traffic/traffic-figures.ts';

interface SplitBarProps {
  split: VersionWeight[];
  colors: (version: string) => string;
  /** Where requests go with the content rules counted (estimated for the edit, or measured). */
  traffic?: TrafficFigures | undefined;
}

/**
 * The share of requests each version receives as one stacked bar: the effective traffic when it is
 * known (rules first, then the catch-all), else the catch-all weights. Decorative beside the
 * sliders, so it is one image to assistive tech, whose name carries every figure and its source.
 */
export function SplitBar({ split, colors, traffic }: SplitBarProps) {
  const parts = split.map((v) => ({
    version: v.version,
    weight: v.weight,
    share: traffic ? (traffic.percent[v.version] ?? 0) : v.weight,
  }));
  const differs = traffic !== undefined && parts.some((p) => p.share !== p.weight);
  const label = traffic
    ? `Traffic by version, ${traffic.source}: ${parts
        .map(
          (p) => `${p.version} ${p.share}%${p.share !== p.weight ? ` (catch-all weight ${p.weight}%)` : ''}`,
        )
        .join(', ')}`
    : `Traffic split (catch-all weights): ${parts.map((p) => `${p.version} ${p.weight}%`).join(', ')}`;
  return (
    <div className="split-bar-wrap">
      <div className="split-bar" role="img" aria-label={label} title={traffic?.basis}>
        {parts
          .filter((p) => p.share > 0)
          .map((p) => (
            <div
              key={p.version}
              className="split-bar-part"
              style={{ flexGrow: p.share, background: colors(p.version) }}
            >
              {p.share >= 8 ? `${p.version} ${p.share}%` : ''}
            </div>
          ))}
      </div>
      {/* One line whose text does not depend on the weights, so nothing below it moves while dragging. */}
      <p className="muted small split-bar-caption" title={differs ? label : undefined}>
        {traffic
          ? `Share of requests (${traffic.source}, content rules counted); the sliders set the catch-all weights.`
          : 'Catch-all weights.'}
      </p>
    </div>
  );
}
