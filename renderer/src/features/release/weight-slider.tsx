import { type KeyboardEvent, type PointerEvent, useEffect, useRef } from 'react';
import { weightAtPointer, weightForKey } from './slider-keys.ts';

interface WeightSliderProps {
  version: string;
  weight: number;
  locked: boolean;
  disabled: boolean;
  /** Why the version cannot take traffic: the slider can then only go down (and not at all at 0%). */
  blocked?: string | undefined;
  /** The id of the visible text that explains `blocked`. */
  describedBy?: string | undefined;
  color: string;
  onMove: (weight: number) => void;
}

/**
 * One version's share of traffic: an ARIA slider that works with pointer and keyboard alone.
 * A drag reports at most one move per animation frame (pointer events can arrive faster than
 * frames, and each move re-renders the split), and none when the weight under the pointer is
 * the one last reported.
 */
export function WeightSlider({
  version,
  weight,
  locked,
  disabled,
  blocked,
  describedBy,
  color,
  onMove,
}: WeightSliderProps) {
  const track = useRef<HTMLDivElement>(null);
  // A version that cannot take traffic and holds nothing has nowhere to go.
  const inert = disabled || locked || (blocked !== undefined && weight === 0);
  const latestOnMove = useRef(onMove);
  latestOnMove.current = onMove;
  // The pointer's last x not yet turned into a move, the frame that will, and the last weight sent.
  const pending = useRef<number | null>(null);
  const frame = useRef<number | null>(null);
  const sent = useRef<number | null>(null);

  const flush = () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    const x = pending.current;
    pending.current = null;
    const box = x === null ? undefined : track.current?.getBoundingClientRect();
    if (x === null || !box) return;
    const next = weightAtPointer(x, box.left, box.width);
    if (next === sent.current) return;
    sent.current = next;
    latestOnMove.current(next);
  };
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (inert) return;
    const next = weightForKey(e.key, weight);
    if (next === null) return;
    e.preventDefault();
    if (next !== weight) onMove(next);
  };
  const schedule = (e: PointerEvent) => {
    pending.current = e.clientX;
    if (frame.current === null) frame.current = requestAnimationFrame(flush);
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
      aria-valuetext={`${weight}%${locked ? ', locked' : ''}${blocked ? ', cannot take traffic' : ''}`}
      aria-disabled={inert || undefined}
      aria-describedby={describedBy}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        if (inert) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        // A press moves right away; only the drag that follows is paced by frames.
        sent.current = null;
        pending.current = e.clientX;
        flush();
      }}
      onPointerMove={(e) => {
        if (!inert && e.currentTarget.hasPointerCapture(e.pointerId)) schedule(e);
      }}
      // Releasing the pointer settles on where the drag last was, without waiting for a frame.
      onPointerUp={flush}
      onLostPointerCapture={flush}
    >
      <div className="weight-slider-fill" style={{ width: `${weight}%`, background: color }} />
      <div className="weight-slider-thumb" style={{ left: `${weight}%` }} />
    </div>
  );
}
