import { useState } from 'react';
import type { StepPlanInput } from '../../../../shared/api/step-plan-schemas.ts';

/** The defaults the plan shows before the operator edits them (the same ones main fills in). */
export const DEFAULT_GATES = { maxSuccessRateDropPoints: 1, maxP95Ratio: 1.5, minRequests: 100 };

interface Row {
  /** A weight step, or a mirror step (whose `weight` is the share of traffic mirrored). */
  kind: 'weight' | 'mirror';
  weight: number;
  holdSeconds: number;
  gates: typeof DEFAULT_GATES;
}

// At 100% no request reaches the stable version to compare with: the last step does not hold.
const row = (weight: number): Row => ({
  kind: 'weight',
  weight,
  holdSeconds: weight === 100 ? 0 : 300,
  gates: DEFAULT_GATES,
});

/** A shadow test before the first weight: 20% of the traffic copied to the canary, held 5 minutes. */
const mirrorRow = (): Row => ({ kind: 'mirror', weight: 20, holdSeconds: 300, gates: DEFAULT_GATES });
export const DEFAULT_ROWS: Row[] = [1, 5, 25, 50, 100].map(row);

/** Keys for a plan's steps: a step is its position in the plan. */
const STEP_KEYS = Array.from({ length: 64 }, (_, i) => `step-${i + 1}`);

function NumberField({
  label,
  value,
  min,
  max,
  step,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max?: number;
  step?: number;
  onChange: (v: number) => void;
}) {
  return (
    <label className="small">
      {label}{' '}
      <input
        type="number"
        inputMode="decimal"
        value={Number.isFinite(value) ? value : ''}
        min={min}
        {...(max !== undefined ? { max } : {})}
        step={step ?? 1}
        onChange={(e) => onChange(e.currentTarget.valueAsNumber)}
      />
    </label>
  );
}

/** The steps, holds and gates of a new release plan, editable, with the defaults shown. */
export function StepPlanEditor({
  canary,
  stable,
  busy,
  onStart,
}: {
  canary: string;
  stable: string;
  busy: boolean;
  onStart: (plan: StepPlanInput) => void;
}) {
  const [rows, setRows] = useState<Row[]>(DEFAULT_ROWS);
  const [approval, setApproval] = useState(false);
  const setRow = (i: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const setGate = (i: number, patch: Partial<Row['gates']>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, gates: { ...r.gates, ...patch } } : r)));
  const plan = (): StepPlanInput => {
    const steps: StepPlanInput['steps'] = [];
    rows.forEach((r, i) => {
      if (approval && i === rows.length - 1)
        steps.push({ kind: 'approval', note: `before ${canary} takes all traffic` });
      if (r.kind === 'mirror')
        steps.push({ kind: 'mirror', percent: r.weight, holdSeconds: r.holdSeconds, gates: r.gates });
      else steps.push({ kind: 'weight', weight: r.weight, holdSeconds: r.holdSeconds, gates: r.gates });
    });
    return { steps };
  };
  return (
    <section aria-label="New release plan" className="step-plan-editor">
      <p className="muted small">
        Switchyard moves {canary} through these shares while the app runs. Over each hold it compares {canary}{' '}
        with {stable}; a failing gate stops the plan and restores the route as it was before it (split and
        rules). Nothing advances without the gates' data. A mirror step copies a share of the traffic to{' '}
        {canary} without changing its weight (clients see only the answers of the split) and judges {canary}{' '}
        on the copies, as its own sidecar reports them; the mirror is removed when the step ends.
      </p>
      <table aria-label="Steps of the plan">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Share of {canary}</th>
            <th scope="col">Hold</th>
            <th scope="col">Gates over the hold</th>
            <th scope="col">Remove</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={STEP_KEYS[i]}>
              <th scope="row">{i + 1}</th>
              <td>
                {r.kind === 'mirror' ? (
                  <NumberField
                    label={`Mirror share of step ${i + 1} (%)`}
                    value={r.weight}
                    min={0.1}
                    max={100}
                    step={0.1}
                    onChange={(v) => setRow(i, { weight: v })}
                  />
                ) : (
                  <NumberField
                    label={`Weight of step ${i + 1} (%)`}
                    value={r.weight}
                    min={1}
                    max={100}
                    onChange={(v) => setRow(i, { weight: v })}
                  />
                )}
              </td>
              <td>
                <NumberField
                  label={`Hold of step ${i + 1} (s)`}
                  value={r.holdSeconds}
                  min={0}
                  onChange={(v) => setRow(i, { holdSeconds: v })}
                />
              </td>
              <td className="gate-fields">
                <NumberField
                  label={`Success-rate drop allowed at step ${i + 1} (points)`}
                  value={r.gates.maxSuccessRateDropPoints}
                  min={0}
                  max={100}
                  step={0.1}
                  onChange={(v) => setGate(i, { maxSuccessRateDropPoints: v })}
                />
                <NumberField
                  label={`p95 ratio allowed at step ${i + 1} (×)`}
                  value={r.gates.maxP95Ratio}
                  min={1}
                  step={0.1}
                  onChange={(v) => setGate(i, { maxP95Ratio: v })}
                />
                <NumberField
                  label={`Requests needed at step ${i + 1}`}
                  value={r.gates.minRequests}
                  min={1}
                  onChange={(v) => setGate(i, { minRequests: v })}
                />
              </td>
              <td>
                <button
                  type="button"
                  className="secondary small"
                  disabled={rows.length <= 1}
                  onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                >
                  Remove step {i + 1}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setRows((rs) => [
              ...rs.slice(0, -1),
              row(Math.min(99, (rs.slice(0, -1).findLast((r) => r.kind === 'weight')?.weight ?? 0) + 10)),
              rs.at(-1) ?? row(100),
            ])
          }
        >
          Add a step
        </button>
        <button
          type="button"
          className="secondary"
          disabled={rows.some((r) => r.kind === 'mirror')}
          onClick={() => setRows((rs) => [mirrorRow(), ...rs])}
        >
          Add a mirror step
        </button>
        <label className="small">
          <input type="checkbox" checked={approval} onChange={(e) => setApproval(e.currentTarget.checked)} />{' '}
          Wait for my approval before 100%
        </label>
      </div>
      <p className="muted small">
        Gates, step by step: the success rate of {canary} may be at most the given points below {stable}'s,
        its p95 latency at most the given times {stable}'s, and a step is judged only once {canary} served at
        least the given requests in the hold.
      </p>
      <button type="button" disabled={busy} onClick={() => onStart(plan())}>
        Start release plan
      </button>
    </section>
  );
}
