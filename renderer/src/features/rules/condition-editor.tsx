import { useId } from 'react';
import type { ConditionView } from '../../../../shared/api/console-schemas.ts';
import {
  BROWSER_PRESET_DEFINITIONS,
  BROWSER_PRESET_NOTES,
  BROWSER_PRESETS as BROWSERS,
  type ConditionProblems,
  OS_PRESET_DEFINITIONS,
  OS_PRESET_NOTES,
  OS_PRESETS as OSES,
  type PresetNote,
} from '../../../../shared/mesh/policy/index.ts';

type Kind = 'header' | 'cookie' | 'os' | 'browser' | 'query' | 'path' | 'method';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

/** A fresh condition of a kind, keeping the name and value typed so far where they fit. */
export function conditionOfKind(kind: Kind, from?: ConditionView): ConditionView {
  const name = from && 'name' in from ? from.name : '';
  const value = from && 'value' in from && typeof from.value === 'string' ? from.value : '';
  switch (kind) {
    case 'header':
      return { kind, name: name || 'x-canary', op: 'exact', value };
    case 'cookie':
      return { kind, name: name || 'canary', op: 'exact', value };
    case 'query':
      return { kind, name: name || 'canary', op: 'exact', value };
    case 'os':
      return { kind, os: 'android' };
    case 'browser':
      return { kind, browser: 'chrome' };
    case 'path':
      return { kind, op: 'prefix', value: value.startsWith('/') ? value : '/api' };
    case 'method':
      return { kind, method: 'GET' };
  }
}

const OPS: Record<'header' | 'cookie' | 'query', readonly string[]> = {
  header: ['exact', 'prefix', 'regex', 'present', 'absent'],
  cookie: ['exact', 'regex'],
  query: ['exact', 'prefix', 'regex'],
};

/** A path match in the words of both APIs: Istio's uri exact/prefix/regex, Gateway API's path types. */
const PATH_OPS = [
  { op: 'exact', label: 'Exact' },
  { op: 'prefix', label: 'PathPrefix' },
  { op: 'regex', label: 'RegularExpression' },
] as const;

interface ConditionEditorProps {
  condition: ConditionView;
  /** What is wrong with the Name or Value as typed, shown under the field. */
  problems?: ConditionProblems | undefined;
  disabled: boolean;
  onChange: (c: ConditionView) => void;
  onRemove: () => void;
}

/** One condition of a rule: on a header, a cookie, a query parameter, the path, the method, the OS or the browser. */
export function ConditionEditor({
  condition: c,
  problems,
  disabled,
  onChange,
  onRemove,
}: ConditionEditorProps) {
  const id = useId();
  const nameError = problems?.name;
  const valueError = problems?.value;
  const note: PresetNote | null =
    c.kind === 'os' ? OS_PRESET_NOTES[c.os] : c.kind === 'browser' ? BROWSER_PRESET_NOTES[c.browser] : null;
  const noteId = note ? `${id}-preset` : undefined;
  return (
    <fieldset className="condition" aria-label="Condition">
      <select
        aria-label="Condition kind"
        value={c.kind}
        disabled={disabled || c.kind === 'sourceLabel'}
        onChange={(e) => onChange(conditionOfKind(e.target.value as Kind, c))}
      >
        <option value="header">Header</option>
        <option value="cookie">Cookie</option>
        <option value="query">Query parameter</option>
        <option value="path">Path</option>
        <option value="method">Method</option>
        <option value="os">Operating system</option>
        <option value="browser">Browser</option>
        {c.kind === 'sourceLabel' && <option value="sourceLabel">Source label</option>}
      </select>
      {c.kind === 'os' && (
        <select
          aria-label="Operating system"
          aria-describedby={noteId}
          value={c.os}
          disabled={disabled}
          onChange={(e) => onChange({ kind: 'os', os: e.target.value as (typeof OSES)[number] })}
        >
          {OSES.map((o) => (
            <option key={o} value={o}>
              {OS_PRESET_DEFINITIONS[o].label}
            </option>
          ))}
        </select>
      )}
      {c.kind === 'browser' && (
        <select
          aria-label="Browser"
          aria-describedby={noteId}
          value={c.browser}
          disabled={disabled}
          onChange={(e) =>
            onChange({ kind: 'browser', browser: e.target.value as (typeof BROWSERS)[number] })
          }
        >
          {BROWSERS.map((b) => (
            <option key={b} value={b}>
              {BROWSER_PRESET_DEFINITIONS[b].label}
            </option>
          ))}
        </select>
      )}
      {(c.kind === 'header' || c.kind === 'cookie' || c.kind === 'query') && (
        <>
          <input
            aria-label="Name"
            value={c.name}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${id}-name` : undefined}
            disabled={disabled}
            onChange={(e) => onChange({ ...c, name: e.target.value } as ConditionView)}
          />
          <select
            aria-label="Match"
            value={c.op}
            disabled={disabled}
            onChange={(e) => onChange({ ...c, op: e.target.value } as ConditionView)}
          >
            {OPS[c.kind].map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
          {!(c.kind === 'header' && (c.op === 'present' || c.op === 'absent')) && (
            <input
              aria-label="Value"
              value={c.value ?? ''}
              aria-invalid={valueError ? true : undefined}
              aria-describedby={valueError ? `${id}-value` : undefined}
              disabled={disabled}
              onChange={(e) => onChange({ ...c, value: e.target.value } as ConditionView)}
            />
          )}
        </>
      )}
      {c.kind === 'path' && (
        <>
          <select
            aria-label="Path match"
            value={c.op}
            disabled={disabled}
            onChange={(e) => onChange({ ...c, op: e.target.value as typeof c.op })}
          >
            {PATH_OPS.map((o) => (
              <option key={o.op} value={o.op}>
                {o.label}
              </option>
            ))}
          </select>
          <input
            aria-label="Path"
            value={c.value}
            aria-invalid={valueError ? true : undefined}
            aria-describedby={valueError ? `${id}-value` : undefined}
            disabled={disabled}
            onChange={(e) => onChange({ ...c, value: e.target.value })}
          />
        </>
      )}
      {c.kind === 'method' && (
        <select
          aria-label="Method"
          value={c.method}
          disabled={disabled}
          onChange={(e) => onChange({ kind: 'method', method: e.target.value as (typeof METHODS)[number] })}
        >
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      )}
      {c.kind === 'sourceLabel' && (
        <span className="mono">
          {c.name}={c.value}
        </span>
      )}
      <button
        type="button"
        className="icon"
        aria-label="Remove condition"
        disabled={disabled}
        onClick={onRemove}
      >
        ×
      </button>
      {note && (
        <p id={noteId} className="preset-note">
          Catches: {note.catches} Cannot catch: {note.cannotCatch}
        </p>
      )}
      {nameError && (
        <p id={`${id}-name`} className="field-error">
          Name: {nameError}
        </p>
      )}
      {valueError && (
        <p id={`${id}-value`} className="field-error">
          Value: {valueError}
        </p>
      )}
    </fieldset>
  );
}
