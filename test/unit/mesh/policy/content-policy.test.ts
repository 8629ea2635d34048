import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import { compileVirtualService, type MeshRequest } from '../../../../shared/mesh/evaluate/index.ts';
import type { HTTPMatchRequest } from '../../../../shared/mesh/model/index.ts';
import {
  BROWSER_PRESETS,
  type Condition,
  compileRule,
  describeMatch,
  describeMatches,
  formatCondition,
  OS_PRESETS,
  parseCondition,
} from '../../../../shared/mesh/policy/index.ts';

const engine = re2Engine();

/** Routes a request through a VirtualService whose only rule is the compiled match list. */
function takes(matches: HTTPMatchRequest[], request: MeshRequest): boolean {
  const router = compileVirtualService(
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 't' },
      spec: {
        hosts: ['t'],
        http: [{ match: matches, route: [{ destination: { host: 't', subset: 'hit' } }] }],
      },
    },
    { engine },
  );
  const o = router.route(request, 0);
  return o.kind === 'route';
}

describe('parseCondition', () => {
  const cases: Array<[string, Condition]> = [
    ['header:X-User=jason', { kind: 'header', name: 'x-user', op: 'exact', value: 'jason' }],
    ['header:x-user~ja.*', { kind: 'header', name: 'x-user', op: 'regex', value: 'ja.*' }],
    ['header:x-user^ja', { kind: 'header', name: 'x-user', op: 'prefix', value: 'ja' }],
    ['header:x-canary', { kind: 'header', name: 'x-canary', op: 'present' }],
    ['!header:x-canary', { kind: 'header', name: 'x-canary', op: 'absent' }],
    ['cookie:beta=1', { kind: 'cookie', name: 'beta', op: 'exact', value: '1' }],
    ['cookie:group~a|b', { kind: 'cookie', name: 'group', op: 'regex', value: 'a|b' }],
    ['os:Android', { kind: 'os', os: 'android' }],
    ['browser:SAMSUNG', { kind: 'browser', browser: 'samsung' }],
    ['query:beta=true', { kind: 'query', name: 'beta', op: 'exact', value: 'true' }],
    ['query:id~[0-9]+', { kind: 'query', name: 'id', op: 'regex', value: '[0-9]+' }],
    ['source:app=web', { kind: 'sourceLabel', name: 'app', value: 'web' }],
  ];
  for (const [text, condition] of cases) {
    it(`reads ${text}`, () => {
      expect(parseCondition(text)).toEqual(condition);
    });
  }
  it('keeps everything after the first operator as the value, = signs included', () => {
    expect(parseCondition('header:x-token=a=b')).toEqual({
      kind: 'header',
      name: 'x-token',
      op: 'exact',
      value: 'a=b',
    });
  });
  it('writes back what it reads', () => {
    for (const [, c] of cases) expect(parseCondition(formatCondition(c))).toEqual(c);
  });
  it('names an unknown operating system and lists the known ones', () => {
    expect(() => parseCondition('os:beos')).toThrow("unknown operating system 'beos' (known: android, ios");
  });
  it('names an unknown browser', () => {
    expect(() => parseCondition('browser:lynx')).toThrow("unknown browser 'lynx'");
  });
  it('names an unknown kind', () => {
    expect(() => parseCondition('ip:10.0.0.1')).toThrow("unknown kind 'ip'");
  });
  it('refuses an empty header name', () => {
    expect(() => parseCondition('header:=x')).toThrow('the header name is empty');
  });
  it('refuses a header key Istio ignores', () => {
    expect(() => parseCondition('header:method=GET')).toThrow("Istio ignores the header key 'method'");
  });
  it('refuses ! on anything but a header', () => {
    expect(() => parseCondition('!cookie:a=1')).toThrow("'!' (absent) only applies to headers");
  });
  it('refuses a cookie without value', () => {
    expect(() => parseCondition('cookie:beta')).toThrow('expected cookie:NAME=VALUE');
  });
  it('refuses a text without kind', () => {
    expect(() => parseCondition('android')).toThrow('has no kind');
  });
});

describe('compileRule', () => {
  it('writes a present header as an empty StringMatch and an absent one under withoutHeaders', () => {
    expect(compileRule([parseCondition('header:x-canary'), parseCondition('!header:x-legacy')])).toEqual([
      { headers: { 'x-canary': {} }, withoutHeaders: { 'x-legacy': {} } },
    ]);
  });
  it('compiles an empty rule to no match at all (a catch-all)', () => {
    expect(compileRule([])).toEqual([]);
  });
  it('writes a query prefix, which Istio does not support, as an escaped regex', () => {
    expect(compileRule([{ kind: 'query', name: 'tag', op: 'prefix', value: 'a.b' }])).toEqual([
      { queryParams: { tag: { regex: 'a\\.b.*' } } },
    ]);
  });
  it('refuses two operating systems in one rule (they would never both match)', () => {
    expect(() => compileRule([parseCondition('os:ios'), parseCondition('os:android')])).toThrow(
      'one operating system',
    );
  });
  it('refuses a user-agent header condition next to a preset', () => {
    expect(() => compileRule([parseCondition('os:ios'), parseCondition('header:user-agent~.*')])).toThrow(
      'user-agent',
    );
  });
  it('refuses the same header twice', () => {
    expect(() => compileRule([parseCondition('header:a=1'), parseCondition('header:a=2')])).toThrow(
      "'a' appears twice",
    );
  });
  it('checks regexes with RE2 when given the engine and names the condition', () => {
    expect(() => compileRule([parseCondition('header:x~(?=a)')], engine)).toThrow(
      "condition 'header:x~(?=a)': invalid RE2 regex",
    );
  });
  it('writes only regexes RE2 accepts for every preset pair', () => {
    for (const os of OS_PRESETS)
      for (const browser of BROWSER_PRESETS)
        expect(() =>
          compileRule(
            [
              { kind: 'os', os },
              { kind: 'browser', browser },
            ],
            engine,
          ),
        ).not.toThrow();
  });
});

describe('cookie conditions on the cookie header', () => {
  const beta = compileRule([parseCondition('cookie:beta=1')], engine);
  it('finds the cookie anywhere in the header', () => {
    for (const cookie of ['beta=1', 'a=2; beta=1', 'beta=1; a=2', 'a=2;beta=1;c=3', 'a=2; beta=1 ; c=3'])
      expect(takes(beta, { headers: { cookie } })).toBe(true);
  });
  it('does not take a longer name or value', () => {
    for (const cookie of ['xbeta=1', 'beta=10', 'beta=1x; a=2', 'a=beta=1', ''])
      expect(takes(beta, { headers: { cookie } })).toBe(false);
  });
  it('escapes regex characters in the name and value', () => {
    const m = compileRule([parseCondition('cookie:a.b=1+1')], engine);
    expect(takes(m, { headers: { cookie: 'a.b=1+1' } })).toBe(true);
    expect(takes(m, { headers: { cookie: 'axb=11' } })).toBe(false);
  });
  it('applies a value regex to the value only', () => {
    const m = compileRule([parseCondition('cookie:group~a|b')], engine);
    expect(takes(m, { headers: { cookie: 'x=1; group=b' } })).toBe(true);
    expect(takes(m, { headers: { cookie: 'group=c' } })).toBe(false);
  });
  it('requires every cookie of a rule, in whatever order they come', () => {
    const m = compileRule([parseCondition('cookie:a=1'), parseCondition('cookie:b=2')], engine);
    expect(takes(m, { headers: { cookie: 'a=1; b=2' } })).toBe(true);
    expect(takes(m, { headers: { cookie: 'b=2; x=0; a=1' } })).toBe(true);
    expect(takes(m, { headers: { cookie: 'a=1; x=0' } })).toBe(false);
  });
});

describe('describeMatch', () => {
  const rules: string[][] = [
    ['header:x-user=jason'],
    ['header:x-canary', '!header:x-legacy'],
    ['cookie:beta=1'],
    ['cookie:a.b=1+1', 'cookie:group~a|b'],
    ['os:ios', 'browser:safari'],
    ['os:android'],
    ['browser:chrome', 'query:tag^a.b', 'source:app=web'],
    ['header:x-team^pay', 'os:windows', 'cookie:beta=1', 'query:id~[0-9]+'],
  ];
  for (const rule of rules) {
    it(`reads back what compileRule wrote for ${rule.join(' ')}`, () => {
      const conditions = rule.map(parseCondition);
      const matches = compileRule(conditions);
      const back = describeMatch(matches[0]!);
      expect(back).not.toBeNull();
      expect(new Set(back!.map(formatCondition))).toEqual(
        new Set(rule.map((r) => formatCondition(parseCondition(r)))),
      );
    });
  }
  it('reads hand-written regex ".*" on a header as "present"', () => {
    expect(describeMatch({ headers: { 'X-Debug': { regex: '.*' } } })).toEqual([
      { kind: 'header', name: 'x-debug', op: 'present' },
    ]);
  });
  it('reads a hand-written user-agent regex as a plain header condition', () => {
    expect(describeMatch({ headers: { 'user-agent': { regex: '.*Safari.*' } } })).toEqual([
      { kind: 'header', name: 'user-agent', op: 'regex', value: '.*Safari.*' },
    ]);
  });
  it('gives null for what a condition cannot say: a uri prefix / (every request), a scheme', () => {
    expect(describeMatch({ uri: { prefix: '/' } })).toBeNull();
    expect(describeMatch({ scheme: { exact: 'https' } })).toBeNull();
  });
  it('reads a uri and a method match back as path and method conditions', () => {
    expect(describeMatch({ uri: { prefix: '/api' }, method: { exact: 'GET' } })).toEqual([
      { kind: 'path', op: 'prefix', value: '/api' },
      { kind: 'method', method: 'GET' },
    ]);
  });
  it('gives null for a withoutHeaders regex it did not write', () => {
    expect(describeMatch({ withoutHeaders: { 'user-agent': { regex: '.*Edg.*' } } })).toBeNull();
  });
  it('gives null for a query prefix, which Istio drops', () => {
    expect(describeMatch({ queryParams: { a: { prefix: 'x' } } })).toBeNull();
  });
  it('groups the matches of one rule back into rules', () => {
    const a = compileRule([parseCondition('os:android')]);
    const b = compileRule([parseCondition('header:x=1')]);
    expect(describeMatches([...a, ...b])?.map((r) => r.map(formatCondition))).toEqual([
      ['os:android'],
      ['header:x=1'],
    ]);
  });
});
