// Cookie rules read from the cluster show as cookie conditions: the console's own pattern (every
// cookie of a rule, exactly) and the hand-written forms people put in VirtualServices.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import type { HTTPMatchRequest } from '../../../../shared/mesh/model/index.ts';
import {
  type Condition,
  compileRule,
  describeMatch,
  describeMatches,
  escapeRegex,
} from '../../../../shared/mesh/policy/index.ts';

const engine = re2Engine();
const onCookie = (regex: string): HTTPMatchRequest => ({ headers: { cookie: { regex } } });
const cookie = (
  name: string,
  value: string,
  op: 'exact' | 'regex' = 'exact',
): Extract<Condition, { kind: 'cookie' }> => ({
  kind: 'cookie',
  name,
  op,
  value,
});

const HAND_WRITTEN = [
  (n: string, v: string) => `^(.*?;)?(${n}=${v})(;.*)?$`,
  (n: string, v: string) => `(.*;)?\\s*${n}=${v}\\s*(;.*)?`,
  (n: string, v: string) => `.*${n}=${v}.*`,
  (n: string, v: string) => `^.*${n}=${v}.*$`,
  (n: string, v: string) => `(^|.*;\\s*)${n}=${v}(;.*|$)`,
  (n: string, v: string) => `(?:.*; ?)?${n}=${v}(?:;.*)?`,
  (n: string, v: string) => `(.*?;)? ?(${n}=${v})(;.*)?`,
];

describe('cookie rules read back as cookie conditions', () => {
  it('reads the common hand-written forms of one cookie', () => {
    for (const form of HAND_WRITTEN)
      expect(describeMatch(onCookie(form('canary', 'always'))), form('canary', 'always')).toEqual([
        cookie('canary', 'always'),
      ]);
  });

  it('reads an escaped value as the literal it stands for, and a regex value as a regex', () => {
    expect(describeMatch(onCookie('^(.*?;)?(ver=1\\.2)(;.*)?$'))).toEqual([cookie('ver', '1.2')]);
    expect(describeMatch(onCookie('.*group=(a|b).*'))).toEqual([cookie('group', '(a|b)', 'regex')]);
  });

  it('keeps a regex that is not one cookie a header regex', () => {
    for (const regex of ['.*beta.*', '.*a=1|b=2.*', '^(.*?;)?(=1)(;.*)?$', '.*beta=.*', 'beta=1', '(a;b=1']) {
      const read = describeMatch(onCookie(regex));
      expect(
        read?.some((c) => c.kind === 'cookie'),
        regex,
      ).toBe(false);
      expect(read, regex).toEqual([{ kind: 'header', name: 'cookie', op: 'regex', value: regex }]);
    }
  });

  it('hand-written forms take the cookie headers the condition takes', () => {
    const headers = ['canary=always', 'a=1; canary=always', 'canary=always; b=2', 'a=1;canary=always;b=2'];
    const app = compileRule([cookie('canary', 'always')], engine)[0]!.headers!.cookie!.regex!;
    for (const form of HAND_WRITTEN) {
      const written = form('canary', 'always');
      for (const h of headers) {
        const wanted = engine.fullMatcher(app)(h);
        // `^(.*?;)?(…)` leaves no room for the space after ';' that browsers send: the condition
        // is what its author meant, and is what the console writes when the rule is edited.
        if (written.startsWith('^(.*?;)?') && h.includes('; ')) continue;
        expect(engine.fullMatcher(written)(h), `${written} on ${h}`).toBe(wanted);
      }
    }
  });

  it('round-trips the console’s own cookie rules, one to three cookies, exact or regex', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/);
    const value = fc.stringMatching(/^[A-Za-z0-9 _.+*?()|[\]^$-]{1,8}$/).filter((v) => !v.includes(';'));
    const condition = fc.record({ name, value }).map(({ name: n, value: v }) => cookie(n, v));
    fc.assert(
      fc.property(
        fc.uniqueArray(condition, { minLength: 1, maxLength: 3, selector: (c) => c.name }),
        (cs) => {
          const matches = compileRule(cs);
          expect(describeMatches(matches)).toEqual([cs]);
        },
      ),
    );
  });

  it('round-trips a literal cookie through every hand-written form and back to the console’s form', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/);
    const value = fc.stringMatching(/^[A-Za-z0-9_.+*?()[\]{}|^$-]{1,8}$/);
    fc.assert(
      fc.property(name, value, fc.nat(HAND_WRITTEN.length - 1), (n, v, k) => {
        const read = describeMatch(onCookie(HAND_WRITTEN[k]!(escapeRegex(n), escapeRegex(v))));
        expect(read).toEqual([cookie(n, v)]);
        expect(describeMatch(compileRule(read!)[0]!)).toEqual(read);
      }),
    );
  });
});
