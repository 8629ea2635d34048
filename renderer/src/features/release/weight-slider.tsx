import { type KeyboardEvent, type PointerEvent, useRef } from 'react';
import { weightAtPointer, weightForKey } from './slider-keys.ts';

interface WeightSliderProps {
  version: string;
  weight: number;
  locked: boolean;
  disabled: boolean;
  color: string;
  onMove: (weight: number) => void;
}

/** One version's share of traffic: an ARIA slider that works with pointer and keyboard alone. */
export function WeightSlider({ version, weight, locked, disabled, color, onMove }: WeightSliderProps) {
  const track = useRef<HTMLDivElement>(null);
  const inert = disabled || locked;

  const onKeyDown = (e: KeyboardEvent) => {
    if (inert) return;
    const next = weightForKey(e.key, weight);
    if (next === null) return;
    e.preventDefault();
    if (next !== weight) onMove(next);
  };
  const fromPointer = (e: PointerEvent) => {
    const box = track.current?.getBoundingClientRect();
    if (box) onMove(weightAtPointer(e.clientX, box.left, box.width));
  };

  return (
    <div
      ref={track}
      className={`weight-slider${inert ? ' is-inert' : ''}`}
      role="slider"
      tabIndex={disabled ? -1 : 0}
      aria-label={`Weight of ${version}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={weight}
      aria-valuetext={`${weight}%${locked ? ', locked' : ''}`}
      aria-disabled={inert || undefined}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        if (inert) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        fromPointer(e);
      }}
      onPointerMove={(e) => {
        if (!inert && e.currentTarget.hasPointerCapture(e.pointerId)) fromPointer(e);
      }}
    >
      <div className="weight-slider-fill" style={{ width: `${weight}%`, background: color }} />
      <div className="weight-slider-thumb" style={{ left: `${weight}%` }} />
    </div>
  );
}
