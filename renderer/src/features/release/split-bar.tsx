import type { VersionWeight } from '../../../../shared/mesh/weights.ts';

/** The split as one stacked bar; decorative beside the sliders, so it is one image to assistive tech. */
export function SplitBar({ split, colors }: { split: VersionWeight[]; colors: (version: string) => string }) {
  const label = split.map((v) => `${v.version} ${v.weight}%`).join(', ');
  return (
    <div className="split-bar" role="img" aria-label={`Traffic split: ${label}`}>
      {split
        .filter((v) => v.weight > 0)
        .map((v) => (
          <div
            key={v.version}
            className="split-bar-part"
            style={{ flexGrow: v.weight, background: colors(v.version) }}
          >
            {v.weight >= 8 ? `${v.version} ${v.weight}%` : ''}
          </div>
        ))}
    </div>
  );
}
