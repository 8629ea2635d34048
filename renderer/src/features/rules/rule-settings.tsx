import { useId } from 'react';
import type { RuleEdit } from '../../stores/release-store.ts';

const DURATION = /^\d+(\.\d+)?(ms|s|m|h)$/;

/** What is wrong with a typed timeout, or undefined when it is empty (inherit) or a duration. */
export function timeoutProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value === 'none' || DURATION.test(value)) return undefined;
  return 'a duration such as 10s or 250ms, "none", or empty to keep the catch-all route’s';
}

/**
 * A new rule's timeout and retries. Left empty, the rule keeps the catch-all route's (the plan copies
 * them); "none" / 0 gives the rule none of its own.
 */
export function RuleSettings({
  rule,
  disabled,
  onChange,
}: {
  rule: RuleEdit;
  disabled: boolean;
  onChange: (change: Partial<RuleEdit>) => void;
}) {
  const id = useId();
  const problem = timeoutProblem(rule.timeout);
  const hint = `${id}-hint`;
  const describedBy = problem ? `${hint} ${id}-timeout` : hint;
  return (
    <div className="row rule-settings">
      <label>
        Timeout{' '}
        <input
          aria-label="Timeout"
          size={6}
          placeholder="inherit"
          value={rule.timeout ?? ''}
          disabled={disabled}
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange({ timeout: e.target.value.trim() })}
        />
      </label>
      <label>
        Retries{' '}
        <input
          aria-label="Retry attempts"
          type="number"
          min={0}
          max={100}
          placeholder="inherit"
          value={rule.retryAttempts ?? ''}
          disabled={disabled}
          aria-describedby={hint}
          onChange={(e) =>
            onChange({ retryAttempts: e.target.value === '' ? undefined : Number(e.target.value) })
          }
        />
      </label>
      <p id={hint} className="muted small">
        Empty: the catch-all route’s timeout and retries. "none" or 0: none for this rule.
      </p>
      {problem && (
        <p id={`${id}-timeout`} className="field-error">
          Timeout: {problem}
        </p>
      )}
    </div>
  );
}
