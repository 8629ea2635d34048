import { memo, useId, useMemo } from 'react';
import type { LintFindingView } from '../../../../shared/api/console-schemas.ts';
import { stickyRuleVersion } from '../../../../shared/mesh/model/index.ts';
import { firstProblem, type RuleProblems } from '../../../../shared/mesh/policy/index.ts';
import type { ReleaseStore, RuleEdit } from '../../stores/release-store.ts';
import { ConditionEditor, conditionOfKind } from './condition-editor.tsx';
import { checkRules, type RuleChecks } from './rule-checks.ts';
import { RuleSettings } from './rule-settings.tsx';

interface RulesEditorProps {
  editKey: string;
  /** The draft's rules alone, so a split edit does not re-render the rules. */
  rules: RuleEdit[];
  versions: string[];
  /**
   * The version a new rule sends to: the last one that can take requests (declared), so a rule is
   * not added pointing at a version only a Deployment label names. Defaults to the last version.
   */
  newRuleVersion?: string | undefined;
  editable: boolean;
  lint: LintFindingView[];
  store: ReleaseStore;
  /** Share of sample traffic each rule catches, by rule key (absent until previewed). */
  preview?: Record<string, number> | undefined;
  /** The problems of each rule as typed (with RE2's verdicts); without them, all but RE2 syntax is checked here. */
  checks?: RuleChecks | undefined;
  /** The route's kind: on Gateway API, regex matches carry a note on their support. */
  flavor?: 'istio' | 'gateway-api' | undefined;
}

/** Why regex conditions, cookies and OS/browser presets may not work the same on every Gateway API implementation. */
export const GATEWAY_REGEX_NOTE =
  "Gateway API's RegularExpression match (written for regex conditions, cookies and OS/browser presets) is " +
  'implementation-specific: Istio supports it with RE2 syntax; another implementation may reject the route or read the pattern differently.';

function RuleEditor({
  rule,
  index,
  count,
  versions,
  editable,
  editKey,
  store,
  share,
  problems,
}: {
  rule: RuleEdit;
  index: number;
  count: number;
  versions: string[];
  editable: boolean;
  editKey: string;
  store: ReleaseStore;
  share: number | undefined;
  problems: RuleProblems | undefined;
}) {
  const id = useId();
  const s = store.getState();
  const update = (change: Partial<RuleEdit>) => s.updateRule(editKey, rule.key, change);
  const alternatives = rule.conditions;
  const setAlternatives = (conditions: NonNullable<RuleEdit['conditions']>) =>
    update({ conditions, edited: true });
  const label = `Rule ${index + 1}`;
  return (
    <li className={`rule${rule.enabled ? '' : ' is-disabled'}`}>
      <fieldset aria-label={label}>
        <legend>
          {label}
          {rule.name ? ` · ${rule.name}` : ''}
          {share !== undefined && (problems === undefined || firstProblem(problems) === undefined) && (
            <span className="chip">catches {share.toFixed(1)}% of sample traffic</span>
          )}
        </legend>
        <div className="row">
          <label>
            <input
              type="checkbox"
              checked={rule.enabled}
              disabled={!editable}
              onChange={(e) => update({ enabled: e.target.checked })}
            />
            Enabled
          </label>
          <label>
            Target version{' '}
            <select
              aria-label="Target version"
              value={rule.version}
              aria-invalid={problems?.version ? true : undefined}
              aria-describedby={problems?.version ? `${id}-version` : undefined}
              disabled={!editable}
              onChange={(e) => update({ version: e.target.value })}
            >
              {!versions.includes(rule.version) && <option value={rule.version}>{rule.version}</option>}
              {versions.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="icon"
            aria-label={`Move ${label} up`}
            disabled={!editable || index === 0}
            onClick={() => s.moveRule(editKey, rule.key, -1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon"
            aria-label={`Move ${label} down`}
            disabled={!editable || index === count - 1}
            onClick={() => s.moveRule(editKey, rule.key, 1)}
          >
            ↓
          </button>
          <button
            type="button"
            className="secondary danger"
            disabled={!editable}
            onClick={() => s.removeRule(editKey, rule.key)}
          >
            Delete {label.toLowerCase()}
          </button>
        </div>
        {rule.id === undefined && <RuleSettings rule={rule} disabled={!editable} onChange={update} />}
        {problems?.version && (
          <p id={`${id}-version`} className="field-error">
            Target version: {problems.version}
          </p>
        )}
        {stickyRuleVersion(rule.name) !== undefined && (
          <p className="muted small">
            Kept by “Keep each user on their version (sticky)”: requests carrying the version cookie go back
            to {stickyRuleVersion(rule.name)}. It follows the split and goes when that version gets 0%; turn
            sticky sessions off to remove it.
          </p>
        )}
        {alternatives === null ? (
          <div>
            <p className="muted small">
              This rule's match is written by hand in a way the editor cannot show as conditions; it is kept
              as it is.
            </p>
            <pre className="mono">{rule.matchYaml}</pre>
          </div>
        ) : (
          alternatives.map((alt, ai) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: alternatives have no identity of their own
            <div className="alternative" key={`${rule.key}-${ai}`}>
              {ai > 0 && <div className="muted small">or</div>}
              {alt.map((c, ci) => (
                <ConditionEditor
                  // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity of their own
                  key={ci}
                  condition={c}
                  problems={problems?.conditions[ai]?.[ci]}
                  disabled={!editable}
                  onChange={(next) =>
                    setAlternatives(
                      alternatives.map((a, j) => (j === ai ? a.map((x, k) => (k === ci ? next : x)) : a)),
                    )
                  }
                  onRemove={() =>
                    setAlternatives(
                      alternatives
                        .map((a, j) => (j === ai ? a.filter((_, k) => k !== ci) : a))
                        .filter((a) => a.length > 0),
                    )
                  }
                />
              ))}
              <button
                type="button"
                className="secondary"
                disabled={!editable}
                onClick={() =>
                  setAlternatives(
                    alternatives.map((a, j) => (j === ai ? [...a, conditionOfKind('header')] : a)),
                  )
                }
              >
                Add condition
              </button>
            </div>
          ))
        )}
        {problems?.rule && <p className="field-error">{problems.rule}</p>}
        {alternatives !== null && (
          <button
            type="button"
            className="secondary"
            disabled={!editable}
            onClick={() => setAlternatives([...alternatives, [conditionOfKind('header')]])}
          >
            Add alternative (or)
          </button>
        )}
      </fieldset>
    </li>
  );
}

/** Content rules in order (the first that matches wins), with lint findings inline. */
export const RulesEditor = memo(function RulesEditor({
  editKey,
  rules,
  versions,
  newRuleVersion,
  editable,
  lint,
  store,
  preview,
  checks,
  flavor,
}: RulesEditorProps) {
  const local = useMemo(
    () => (checks ? undefined : checkRules(rules, versions, () => null)),
    [checks, rules, versions],
  );
  const problems = (checks ?? local)?.byRule;
  const routeLint = useMemo(
    () => lint.filter((f) => /spec\.(http|rules)/.test(f.path) || f.code === 'SY130'),
    [lint],
  );
  return (
    <section className="rules-editor" aria-labelledby="rules-heading">
      <div className="panel-head">
        <h3 id="rules-heading">Content rules</h3>
        <button
          type="button"
          disabled={!editable || versions.length === 0}
          onClick={() =>
            store.getState().addRule(editKey, newRuleVersion ?? versions[versions.length - 1] ?? '')
          }
        >
          Add rule
        </button>
      </div>
      {flavor === 'gateway-api' && (
        <p role="note" aria-label="Regular expressions on Gateway API" className="muted small">
          {GATEWAY_REGEX_NOTE}
        </p>
      )}
      {rules.length === 0 && <p className="muted">No content rules: every request follows the split.</p>}
      <ol className="rules">
        {rules.map((r, i) => (
          <RuleEditor
            key={r.key}
            rule={r}
            index={i}
            count={rules.length}
            versions={versions}
            editable={editable}
            editKey={editKey}
            store={store}
            share={preview?.[r.key]}
            problems={problems?.[r.key]}
          />
        ))}
      </ol>
      {routeLint.length > 0 && (
        <ul aria-label="Lint findings" className="lint-list">
          {routeLint.map((f) => (
            <li key={`${f.code}-${f.object.name}-${f.path}`} className={`lint lint-${f.severity}`}>
              <strong>{f.code}</strong> {f.object.kind} {f.object.name} {f.path}: {f.message}.{' '}
              <span className="muted">{f.hint}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
