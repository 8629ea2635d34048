// Problems of a content rule as the operator types it, per field and in words: what sits under the
// Name or Value box, under the Target version, or under the rule as a whole. Pure: RE2's verdicts
// on the rule's patterns come from the caller (main owns the RE2 engine), as a lookup that answers
// undefined while a verdict is not known yet.

import {
  COOKIE_NAME,
  type Condition,
  compileRule,
  HEADER_NAME,
  pathConditionError,
  RESERVED_HEADER_KEYS,
} from './content-policy.ts';

/** A problem per field of one condition; absent fields are fine. */
export interface ConditionProblems {
  name?: string;
  value?: string;
}

export interface RuleProblems {
  /** By alternative, then by condition, in the order the editor shows them. */
  conditions: ConditionProblems[][];
  /** The target version is not one of the service's versions. */
  version?: string;
  /** A problem of the rule as a whole (two conditions that cannot go together, no condition left). */
  rule?: string;
}

/** What a rule editor holds of one rule. `conditions` null: hand-written, kept as it is. */
export interface RuleFields {
  version: string;
  conditions: readonly (readonly Condition[])[] | null;
  /** Only conditions the operator changed are compiled (and so checked); others are kept as written. */
  edited: boolean;
}

/** RE2's verdict on a pattern: null valid, a message when invalid, undefined while unknown. */
export type RegexVerdict = (pattern: string) => string | null | undefined;

const NAMED = { header: 'header', cookie: 'cookie', query: 'query parameter' } as const;

/** The pattern a condition hands to RE2 as written by the operator, if any. */
export function regexOf(c: Condition): string | undefined {
  if (
    (c.kind === 'header' || c.kind === 'cookie' || c.kind === 'query' || c.kind === 'path') &&
    c.op === 'regex'
  )
    return c.value ?? '';
  return undefined;
}

/** Every pattern of the edited rules, once each: what to ask RE2 about. */
export function regexPatterns(rules: readonly RuleFields[]): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    if (!r.edited || !r.conditions) continue;
    for (const alt of r.conditions)
      for (const c of alt) {
        const p = regexOf(c);
        if (p !== undefined) out.add(p);
      }
  }
  return [...out];
}

function nameProblem(c: Condition): string | undefined {
  if (c.kind !== 'header' && c.kind !== 'cookie' && c.kind !== 'query') return undefined;
  const what = NAMED[c.kind];
  if (c.name.trim() === '') return `The ${what} name is empty: type the name to match on.`;
  if (c.kind === 'header') {
    if (!HEADER_NAME.test(c.name))
      return `'${c.name}' is not a valid header name: use letters, digits and - (no spaces, colons or brackets).`;
    const lower = c.name.toLowerCase();
    if (RESERVED_HEADER_KEYS.has(lower))
      return `Istio ignores a header named '${lower}': it is matched by a field of its own.`;
  }
  if (c.kind === 'cookie' && !COOKIE_NAME.test(c.name))
    return `'${c.name}' is not a valid cookie name: no spaces, '=', ';' or quotes.`;
  return undefined;
}

function valueProblem(c: Condition, verdict: RegexVerdict): string | undefined {
  const pattern = regexOf(c);
  if (pattern !== undefined) {
    const error = verdict(pattern);
    return error ? `Not a valid RE2 pattern: ${error}.` : undefined;
  }
  if (c.kind === 'cookie' && c.value.includes(';')) return `A cookie value cannot contain ';'.`;
  if (c.kind === 'path') {
    const problem = pathConditionError(c.op, c.value);
    if (problem) return `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`;
  }
  return undefined;
}

/** The rule-level problem compileRule finds once every field is fine (it stops at the first). */
function ruleLevelProblem(conditions: readonly (readonly Condition[])[]): string | undefined {
  if (conditions.length === 0) return 'This rule has no condition left: add one, or delete the rule.';
  for (const [i, alt] of conditions.entries()) {
    if (alt.length === 0) return `Alternative ${i + 1} has no condition: add one, or remove it.`;
    try {
      compileRule(alt);
    } catch (err) {
      const message = (err as Error).message;
      return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
    }
  }
  return undefined;
}

/** Every problem of one rule; versions are the service's versions, by name. */
export function ruleProblems(
  rule: RuleFields,
  versions: readonly string[],
  verdict: RegexVerdict,
): RuleProblems {
  const out: RuleProblems = { conditions: [] };
  if (!versions.includes(rule.version))
    out.version = `'${rule.version}' is not a version of this service (it has ${versions.join(', ') || 'none'}).`;
  if (!rule.edited || !rule.conditions) return out;
  let fieldsOk = true;
  out.conditions = rule.conditions.map((alt) =>
    alt.map((c) => {
      const p: ConditionProblems = {};
      const name = nameProblem(c);
      const value = valueProblem(c, verdict);
      if (name) p.name = name;
      if (value) p.value = value;
      if (name || value) fieldsOk = false;
      return p;
    }),
  );
  if (fieldsOk) {
    const whole = ruleLevelProblem(rule.conditions);
    if (whole) out.rule = whole;
  }
  return out;
}

/** The first problem of a rule in words, or undefined when it has none. */
export function firstProblem(p: RuleProblems): string | undefined {
  for (const alt of p.conditions) for (const c of alt) if (c.name || c.value) return c.name ?? c.value;
  return p.version ?? p.rule;
}

/** Whether any edited rule still waits for RE2's verdict on one of its patterns. */
export function verdictPending(rules: readonly RuleFields[], verdict: RegexVerdict): boolean {
  return regexPatterns(rules).some((p) => verdict(p) === undefined);
}
