import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import type { Condition } from '../../../../shared/mesh/policy/index.ts';
import {
  firstProblem,
  type RegexVerdict,
  regexPatterns,
  ruleProblems,
  verdictPending,
} from '../../../../shared/mesh/policy/index.ts';

// Field problems in words, for the field they belong to; RE2's verdicts come from the real engine.

const engine = re2Engine();
const re2: RegexVerdict = (p) => engine.check(p);
const versions = ['v1', 'v2'];
const rule = (conditions: Condition[][] | null, version = 'v2', edited = true) => ({
  version,
  conditions,
  edited,
});

describe('rule problems at the field', () => {
  it('puts an invalid RE2 pattern under the Value, in words', () => {
    const p = ruleProblems(
      rule([[{ kind: 'header', name: 'x-user', op: 'regex', value: 'a(b' }]]),
      versions,
      re2,
    );
    expect(p.conditions[0]?.[0]?.value).toMatch(/^Not a valid RE2 pattern: missing \)/);
    expect(p.conditions[0]?.[0]?.name).toBeUndefined();
    expect(firstProblem(p)).not.toMatch(/rules\.\d|conditions\.\d/);
  });

  it('rejects what JavaScript accepts but RE2 does not (lookahead)', () => {
    const p = ruleProblems(
      rule([[{ kind: 'cookie', name: 'session', op: 'regex', value: '(?=beta).*' }]]),
      versions,
      re2,
    );
    expect(p.conditions[0]?.[0]?.value).toContain('Not a valid RE2 pattern');
  });

  it('clears the message once the pattern is fixed', () => {
    const p = ruleProblems(
      rule([[{ kind: 'header', name: 'x-user', op: 'regex', value: 'a(b)' }]]),
      versions,
      re2,
    );
    expect(firstProblem(p)).toBeUndefined();
  });

  it('puts an empty or invalid header name under the Name', () => {
    const empty = ruleProblems(
      rule([[{ kind: 'header', name: '', op: 'exact', value: '1' }]]),
      versions,
      re2,
    );
    expect(empty.conditions[0]?.[0]?.name).toBe('The header name is empty: type the name to match on.');
    const spaced = ruleProblems(
      rule([[{ kind: 'header', name: 'x user', op: 'exact', value: '1' }]]),
      versions,
      re2,
    );
    expect(spaced.conditions[0]?.[0]?.name).toContain("'x user' is not a valid header name");
    const reserved = ruleProblems(
      rule([[{ kind: 'header', name: 'Authority', op: 'exact', value: 'a' }]]),
      versions,
      re2,
    );
    expect(reserved.conditions[0]?.[0]?.name).toContain("Istio ignores a header named 'authority'");
    const query = ruleProblems(
      rule([[{ kind: 'query', name: ' ', op: 'exact', value: '1' }]]),
      versions,
      re2,
    );
    expect(query.conditions[0]?.[0]?.name).toBe(
      'The query parameter name is empty: type the name to match on.',
    );
  });

  it('places each problem at its own condition of its own alternative', () => {
    const p = ruleProblems(
      rule([
        [{ kind: 'os', os: 'android' }],
        [
          { kind: 'header', name: 'x-ok', op: 'present' },
          { kind: 'cookie', name: 'beta', op: 'exact', value: 'a;b' },
        ],
      ]),
      versions,
      re2,
    );
    expect(p.conditions).toEqual([[{}], [{}, { value: "A cookie value cannot contain ';'." }]]);
  });

  it('names a target version the service does not have', () => {
    const p = ruleProblems(rule(null, 'v9', false), versions, re2);
    expect(p.version).toBe("'v9' is not a version of this service (it has v1, v2).");
  });

  it('says when two conditions cannot go together, once every field is fine', () => {
    const p = ruleProblems(
      rule([
        [
          { kind: 'os', os: 'android' },
          { kind: 'os', os: 'ios' },
        ],
      ]),
      versions,
      re2,
    );
    expect(p.rule).toMatch(/^A rule can name one operating system/);
    expect(ruleProblems(rule([]), versions, re2).rule).toBe(
      'This rule has no condition left: add one, or delete the rule.',
    );
  });

  it('leaves rules the operator did not edit to the lint (they are kept as written)', () => {
    const p = ruleProblems(
      rule([[{ kind: 'header', name: '', op: 'regex', value: '(' }]], 'v1', false),
      versions,
      re2,
    );
    expect(firstProblem(p)).toBeUndefined();
  });

  it('lists the patterns to ask RE2 about, once each, and knows when a verdict is pending', () => {
    const rules = [
      rule([[{ kind: 'header', name: 'a', op: 'regex', value: 'x+' }]]),
      rule([
        [
          { kind: 'query', name: 'q', op: 'regex', value: 'x+' },
          { kind: 'cookie', name: 'c', op: 'regex', value: 'y' },
        ],
      ]),
      rule([[{ kind: 'header', name: 'b', op: 'regex', value: 'ignored' }]], 'v1', false),
    ];
    expect(regexPatterns(rules)).toEqual(['x+', 'y']);
    expect(verdictPending(rules, (p) => (p === 'x+' ? null : undefined))).toBe(true);
    expect(verdictPending(rules, () => null)).toBe(false);
    // Unknown verdicts are not problems yet: nothing flashes while RE2 is being asked.
    expect(firstProblem(ruleProblems(rules[0]!, versions, () => undefined))).toBeUndefined();
  });
});
