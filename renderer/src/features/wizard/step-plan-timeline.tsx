import { useEffect, useState } from 'react';
import type { GateResultView, StepPlanView } from '../../../../shared/api/step-plan-schemas.ts';
import type { StepPlanStore } from '../../stores/step-plan-store.ts';

const GATE_NAMES: Record<GateResultView['gate'], string> = {
  requests: 'Requests',
  'success-rate': 'Success rate',
  'p95-latency': 'p95 latency',
};

/** Keys for a plan's steps: a step is its position in the plan. */
const STEP_KEYS = Array.from({ length: 64 }, (_, i) => `step-${i + 1}`);

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function figure(g: GateResultView, v: number | null): string {
  if (v === null) return '—';
  if (g.gate === 'success-rate') return `${v.toFixed(2)}%`;
  if (g.gate === 'p95-latency') return `${Math.round(v)} ms`;
  return String(Math.round(v));
}

/** Seconds left of the current hold, ticking once a second from main's end time. */
function useSecondsLeft(endsAt: string | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!endsAt) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [endsAt]);
  return endsAt ? (Date.parse(endsAt) - now) / 1000 : undefined;
}

function stepText(plan: StepPlanView, i: number): string {
  const s = plan.steps[i];
  if (!s) return '';
  if (s.kind === 'weight') return `${s.weight}% to ${plan.canary}, hold ${clock(s.holdSeconds)}`;
  if (s.kind === 'mirror')
    return `Mirror ${s.percent}% of ${plan.stable}'s traffic to ${plan.canary}, hold ${clock(s.holdSeconds)}`;
  return `Approval${s.note ? `: ${s.note}` : ''}`;
}

function GateTable({ plan }: { plan: StepPlanView }) {
  const g = plan.gates;
  if (!g) return null;
  const mirror = plan.steps[g.step]?.kind === 'mirror';
  return (
    <table aria-label={`Gates of step ${g.step + 1}`} className="small">
      <caption className="muted">
        {mirror
          ? `${plan.canary}'s mirrored requests (as its own sidecar reports them, reporter="destination") against ${plan.stable}`
          : `${plan.canary} against ${plan.stable}`}
        , over the last {clock(g.windowSeconds)} (read {new Date(g.at).toLocaleTimeString()})
      </caption>
      <thead>
        <tr>
          <th scope="col">Gate</th>
          <th scope="col">{plan.canary}</th>
          <th scope="col">{plan.stable}</th>
          <th scope="col">Verdict</th>
        </tr>
      </thead>
      <tbody>
        {g.results.map((r) => (
          <tr key={r.gate}>
            <th scope="row">{GATE_NAMES[r.gate]}</th>
            <td>{figure(r, r.canary)}</td>
            <td>{figure(r, r.stable)}</td>
            <td title={r.text}>
              {r.status === 'pass' ? 'passes' : r.status === 'fail' ? 'fails' : 'no data yet'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Outcome({ plan }: { plan: StepPlanView }) {
  const o = plan.outcome;
  if (!o) return null;
  const failed = (o.failed ?? []).filter((g) => g.status === 'fail');
  return (
    <div
      role={o.kind === 'failed' ? 'alert' : 'status'}
      className={`banner ${o.kind === 'failed' ? 'banner-error' : ''}`}
    >
      <strong>
        {o.kind === 'completed'
          ? `${plan.canary} takes all traffic.`
          : o.kind === 'failed'
            ? 'A gate stopped the plan.'
            : 'The plan was aborted.'}
      </strong>{' '}
      {o.reason}
      {failed.length > 0 && (
        <ul aria-label="Failed gates">
          {failed.map((g) => (
            <li key={g.gate}>{g.text}</li>
          ))}
        </ul>
      )}
      {o.restored !== undefined && o.kind !== 'completed' && (
        <span>
          {o.restored
            ? ' The route is back as it was before the plan.'
            : ' The route could not be restored: check it now.'}
        </span>
      )}
    </div>
  );
}

/** A running (or finished) release plan: each step, the hold's countdown, the gates live, the controls. */
export function StepPlanTimeline({ plan, store }: { plan: StepPlanView; store: StepPlanStore }) {
  const busy = store((s) => s.busy);
  const left = useSecondsLeft(plan.state === 'running' ? plan.holdEndsAt : undefined);
  const [skipTo, setSkipTo] = useState(plan.currentStep + 1);
  const { contextId, id } = plan;
  const live = plan.state === 'running' || plan.state === 'paused';
  const current = plan.steps[plan.currentStep];
  const act = (a: 'pause' | 'resume' | 'approve' | 'abort') => void store.getState().act(a, contextId, id);
  return (
    <section aria-label="Release plan" className="step-plan">
      <p role="status" className="small">
        Release plan {plan.state}
        {live && current ? ` — step ${plan.currentStep + 1} of ${plan.steps.length}` : ''}
        {plan.split ? ` · now ${plan.split.map((s) => `${s.version} ${s.weight}%`).join(', ')}` : ''}
      </p>
      <ol aria-label="Release plan timeline" className="timeline">
        {plan.steps.map((_, i) => {
          const done = i < plan.currentStep;
          const here = i === plan.currentStep && live;
          return (
            <li
              key={STEP_KEYS[i]}
              aria-current={here ? 'step' : undefined}
              className={done ? 'step-done' : here ? 'step-current' : undefined}
            >
              {i + 1}. {stepText(plan, i)}
              {done ? ' ✓' : ''}
              {here && left !== undefined && (
                <>
                  {' '}
                  —{' '}
                  <span role="timer" aria-label={`Hold of step ${i + 1}`}>
                    {clock(left)} left
                  </span>
                </>
              )}
            </li>
          );
        })}
      </ol>
      {plan.waiting && live && <p className="muted small">{plan.waiting}</p>}
      {plan.proxies && live && <p className="muted small">After the last step: {plan.proxies}</p>}
      {plan.lastError && <p className="banner banner-warn small">{plan.lastError}</p>}
      <GateTable plan={plan} />
      <Outcome plan={plan} />
      {live && (
        <div className="row">
          {plan.state === 'running' ? (
            <button type="button" className="secondary" disabled={busy} onClick={() => act('pause')}>
              Pause plan
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => act('resume')}>
              Resume plan
            </button>
          )}
          {current?.kind === 'approval' && plan.state === 'running' && (
            <button type="button" disabled={busy} onClick={() => act('approve')}>
              Approve step {plan.currentStep + 1}
            </button>
          )}
          {plan.currentStep + 1 < plan.steps.length && (
            <>
              <label className="small">
                Skip to step{' '}
                <select value={skipTo} onChange={(e) => setSkipTo(Number(e.currentTarget.value))}>
                  {plan.steps.map((_, i) =>
                    i > plan.currentStep ? (
                      <option key={STEP_KEYS[i]} value={i}>
                        {i + 1}. {stepText(plan, i)}
                      </option>
                    ) : null,
                  )}
                </select>
              </label>
              <button
                type="button"
                className="secondary"
                disabled={busy || skipTo <= plan.currentStep}
                onClick={() => void store.getState().skip(contextId, id, skipTo)}
              >
                Skip
              </button>
            </>
          )}
          <button type="button" className="secondary danger" disabled={busy} onClick={() => act('abort')}>
            Abort plan and restore the route
          </button>
        </div>
      )}
    </section>
  );
}
