// The literal test of a regex (literal-regex.ts) stands in for RE2 only where it gives RE2's answer:
// checked here against RE2 itself (re2-wasm, full match as the engine compiles it), over patterns
// of the literal form and over arbitrary strings, and values with newlines, surrogates and text
// from outside ASCII.
import fc from 'fast-check';
import { RE2 } from 're2-wasm';
import { describe, expect, it } from 'vitest';
import { literalRegex } from '../../../../shared/mesh/model/index.ts';

function re2Full(pattern: string): ((value: string) => boolean) | undefined {
  try {
    new RE2(pattern, 'u');
  } catch {
    return undefined;
  }
  const re = new RE2(`^(?:${pattern})\\z`, 'u');
  return (value) => re.test(value);
}

const CHARS = ['a', 'b', 'A', ' ', '-', '/', ':', ';', '=', '_', '1', 'é', '中', '#', '~'];
const literalArb = fc
  .array(fc.oneof(fc.constantFrom(...CHARS), fc.constantFrom('\\.', '\\-', '\\/')), { maxLength: 4 })
  .map((parts) => parts.join(''));
const coreArb = fc.oneof(
  literalArb,
  fc
    .tuple(fc.boolean(), fc.array(literalArb, { minLength: 1, maxLength: 3 }))
    .map(([nonCapturing, lits]) => `(${nonCapturing ? '?:' : ''}${lits.join('|')})`),
);
const alternativeArb = fc
  .tuple(fc.boolean(), coreArb, fc.boolean())
  .map(([before, core, after]) => `${before ? '.*' : ''}${core}${after ? '.*' : ''}`);
/** Patterns of the literal form. */
const literalPatternArb = fc.array(alternativeArb, { minLength: 1, maxLength: 3 }).map((a) => a.join('|'));
/** Any pattern made of the characters that matter, most of them not of the literal form. */
const anyPatternArb = fc
  .array(
    fc.constantFrom(
      'a',
      'b',
      '.',
      '*',
      '+',
      '?',
      '(',
      ')',
      '|',
      '\\',
      '[',
      ']',
      '^',
      '$',
      '-',
      '/',
      ':',
      'é',
      '{',
      '}',
      '1',
    ),
    { maxLength: 8 },
  )
  .map((c) => c.join(''));
const valueArb = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        'a',
        'b',
        'A',
        ' ',
        '-',
        '/',
        '.',
        ':',
        'é',
        '中',
        '\n',
        '\r',
        '\uD800',
        '\uDC00',
        '\uFFFD',
        '#',
      ),
      {
        maxLength: 8,
      },
    )
    .map((c) => c.join('')),
  fc.string({ maxLength: 8 }),
);

describe('a literal regex', () => {
  it('is accepted by RE2, and answers every value it judges as RE2 full match does', () => {
    fc.assert(
      fc.property(
        literalPatternArb,
        fc.array(valueArb, { minLength: 1, maxLength: 6 }),
        (pattern, values) => {
          const literal = literalRegex(pattern);
          expect(literal, pattern).toBeDefined();
          const re2 = re2Full(pattern);
          expect(re2, `RE2 rejects ${pattern}`).toBeDefined();
          for (const v of values) {
            const answer = literal?.(v);
            if (answer !== undefined) expect(answer, `${pattern} on ${JSON.stringify(v)}`).toBe(re2?.(v));
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('is taken only for patterns RE2 accepts and matches the same way, among arbitrary ones', () => {
    let taken = 0;
    fc.assert(
      fc.property(anyPatternArb, fc.array(valueArb, { maxLength: 4 }), (pattern, values) => {
        const literal = literalRegex(pattern);
        if (!literal) return;
        taken++;
        const re2 = re2Full(pattern);
        expect(re2, `RE2 rejects ${pattern}`).toBeDefined();
        for (const v of values) {
          const answer = literal(v);
          if (answer !== undefined) expect(answer, `${pattern} on ${JSON.stringify(v)}`).toBe(re2?.(v));
        }
      }),
      { numRuns: 2000 },
    );
    expect(taken).toBeGreaterThan(50);
  });

  it('takes the forms routing files use, and leaves the rest to RE2', () => {
    for (const p of [
      '.*Android.*',
      '(?:Chrome|Edge).*',
      'v1|v2',
      '.*',
      '',
      'Mozilla/5\\.0.*',
      '.*(iPhone|iPad).*',
    ])
      expect(literalRegex(p), p).toBeDefined();
    for (const p of [
      'a+',
      '.*\\d+.*',
      '(?i)android',
      '^a$',
      '[ab]',
      'a.b',
      '.*a.*b',
      'a)|(b',
      '(a|b',
      '.*?x',
      'a\tb',
    ])
      expect(literalRegex(p), p).toBeUndefined();
    const ua = literalRegex('.*Android.*');
    expect(ua?.('Mozilla/5.0 (Linux; Android 14)')).toBe(true);
    expect(ua?.('Mozilla/5.0 (iPhone)')).toBe(false);
    // `.` does not match a newline in RE2: such a value is left to it.
    expect(ua?.('Android\nx')).toBeUndefined();
    // RE2 (re2-wasm) reads a lone surrogate in its own way (".*a" does not match "\uDC00a"), so
    // any value holding a surrogate is left to it, as one holding a newline is.
    for (const p of ['.*', '.*a', 'a.*', '.*a.*', 'a', 'a|b', '(a|b).*']) {
      const re2 = re2Full(p);
      for (const v of ['\uDC00a', 'a\uDC00', '\uD800a', 'a\uD800b', '\uD83D\uDE00a', 'a\n', '\na', 'a\r']) {
        const answer = literalRegex(p)?.(v);
        if (answer !== undefined) expect(answer, `${p} on ${JSON.stringify(v)}`).toBe(re2?.(v));
      }
    }
    expect(literalRegex('.*a')?.('\uDC00a')).toBeUndefined();
    expect(literalRegex('v1|v2')?.('v1')).toBe(true);
    expect(literalRegex('v1|v2')?.('v12')).toBe(false);
  });
});
