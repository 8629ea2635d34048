import { useState } from 'react';
import { SPLIT_RULE, type VersionWeight } from '../../../../shared/mesh/model/index.ts';
import type { TrafficFigures } from '../traffic/traffic-figures.ts';
import { SplitBar } from './split-bar.tsx';
import { WeightSlider } from './weight-slider.tsx';

interface SplitEditorProps {
  split: VersionWeight[];
  editable: boolean;
  color: (version: string) => string;
  notice?: string | undefined;
  onMove: (version: string, weight: number) => void;
  onLock: (version: string, locked: boolean) => void;
  onEven: () => void;
  /** Effective traffic of the edit (estimated), drawn by the bar above the sliders. */
  traffic?: TrafficFigures | undefined;
}

function ExactWeight({
  version,
  weight,
  disabled,
  describedBy,
  onCommit,
}: {
  version: string;
  weight: number;
  disabled: boolean;
  describedBy?: string | undefined;
  onCommit: (n: number) => void;
}) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    if (text === null) return;
    const n = Number(text);
    if (text.trim() !== '' && Number.isFinite(n)) onCommit(Math.max(0, Math.min(100, Math.round(n))));
    setText(null);
  };
  return (
    <input
      type="number"
      className="exact-weight"
      aria-label={`Exact weight of ${version}`}
      min={0}
      max={100}
      step={1}
      disabled={disabled}
      aria-describedby={describedBy}
      value={text ?? String(weight)}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

/** An id for the text explaining why a version cannot take traffic (version names may hold `:`). */
const reasonId = (version: string) => `cannot-route-${version.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * The split as a stacked bar and one slider per version, with locks, exact values and an even split.
 * A version that cannot take traffic shows why under its slider; its slider and field are disabled
 * (they only lower it while it still holds weight), and every move follows SPLIT_RULE.
 */
export function SplitEditor({
  split,
  editable,
  color,
  notice,
  onMove,
  onLock,
  onEven,
  traffic,
}: SplitEditorProps) {
  return (
    <section className="split-editor" aria-label="Traffic split">
      <SplitBar split={split} colors={color} traffic={traffic} />
      <div className="sliders">
        {split.map((v) => {
          const blocked = v.blocked;
          const why = blocked ? reasonId(v.version) : undefined;
          const stuck = blocked !== undefined && v.weight === 0;
          return (
            <div className="slider-row" key={v.version}>
              <span className="slider-label">{v.version}</span>
              <WeightSlider
                version={v.version}
                weight={v.weight}
                locked={v.locked === true}
                disabled={!editable}
                blocked={blocked}
                describedBy={why}
                color={color(v.version)}
                onMove={(w) => onMove(v.version, w)}
              />
              <ExactWeight
                version={v.version}
                weight={v.weight}
                disabled={!editable || v.locked === true || stuck}
                describedBy={why}
                onCommit={(n) => onMove(v.version, n)}
              />
              <label className="lock">
                <input
                  type="checkbox"
                  checked={v.locked === true}
                  disabled={!editable || blocked !== undefined}
                  onChange={(e) => onLock(v.version, e.target.checked)}
                />
                Lock {v.version}
              </label>
              {blocked && (
                <p id={why} className="slider-reason muted small">
                  {v.version} {blocked}
                  {v.weight > 0 ? `; it still holds ${v.weight}%, which can only go down` : ''}.
                </p>
              )}
            </div>
          );
        })}
      </div>
      <div className="row">
        <button type="button" className="secondary" disabled={!editable || split.length < 2} onClick={onEven}>
          Even split
        </button>
        <span className="muted small" aria-live="polite">
          {notice ?? ''}
        </span>
      </div>
      <details className="split-help">
        <summary>How the other weights move</summary>
        <p>{SPLIT_RULE}</p>
      </details>
    </section>
  );
}
