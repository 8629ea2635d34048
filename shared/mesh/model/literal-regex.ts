// Most regexes in routing files are literal text with `.*` around it (".*Android.*",
// "(?:Chrome|Edge).*", "v1|v2"). For those, RE2's full match is a plain string test, so the engine
// answers them without RE2 (whose WebAssembly takes ~35 ms to start in a one-shot command) and
// without crossing into it per value. Only a narrow, exactly understood form is taken:
//
//   pattern      := alternative ('|' alternative)*
//   alternative  := ['.*'] core ['.*']
//   core         := literal | '(' ['?:'] literal ('|' literal)* ')'
//   literal      := (plain character | '\.' | '\-' | '\/')*
//
// where a plain character is any character but a regex metacharacter (\ . + * ? ( ) [ ] { } | ^ $),
// a control character or whitespace other than a space. Anything else (a class, a repeat, a flag,
// an escape of another kind) is left to RE2, and so is a literal with U+FFFD or any surrogate. RE2
// accepts every pattern of this form. In RE2, `.` matches any character but a newline, so a value
// holding '\n' is left to RE2, and so is one holding a surrogate (RE2 reads UTF-8, into which a
// lone one is converted as U+FFFD).

/** One alternative: its literals (any of them), and whether `.*` comes before and after. */
interface Alternative {
  literals: string[];
  anyBefore: boolean;
  anyAfter: boolean;
}

const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '[', ']', '{', '}', '|', '^', '$']);
const ESCAPABLE = new Set(['.', '-', '/']);
const SURROGATE = /[\uD800-\uDFFF]/;

/** A character allowed as itself: not a metacharacter, not a control or non-space whitespace. */
function plain(ch: string): boolean {
  if (META.has(ch)) return false;
  if (ch === ' ') return true;
  return ch !== '\uFFFD' && !/[\s\p{Cc}\p{Cf}\p{Cs}]/u.test(ch);
}

/** Reads a literal from `i` up to the first character it does not take; returns it and where it ended. */
function literalAt(p: string, i: number): { text: string; end: number } {
  let text = '';
  let j = i;
  while (j < p.length) {
    const ch = p[j] as string;
    if (ch === '\\' && ESCAPABLE.has(p[j + 1] ?? '')) {
      text += p[j + 1];
      j += 2;
    } else if (plain(ch)) {
      text += ch;
      j += 1;
    } else break;
  }
  return { text, end: j };
}

function alternativeAt(p: string, i: number): { alt: Alternative; end: number } | undefined {
  let j = i;
  const anyBefore = p.startsWith('.*', j);
  if (anyBefore) j += 2;
  let literals: string[];
  if (p[j] === '(') {
    j += 1;
    if (p.startsWith('?:', j)) j += 2;
    literals = [];
    for (;;) {
      const lit = literalAt(p, j);
      literals.push(lit.text);
      j = lit.end;
      if (p[j] === '|') j += 1;
      else if (p[j] === ')') {
        j += 1;
        break;
      } else return undefined;
    }
  } else {
    const lit = literalAt(p, j);
    literals = [lit.text];
    j = lit.end;
  }
  const anyAfter = p.startsWith('.*', j);
  if (anyAfter) j += 2;
  return { alt: { literals, anyBefore, anyAfter }, end: j };
}

function matchesAlternative(a: Alternative, value: string): boolean {
  for (const lit of a.literals) {
    if (
      a.anyBefore && a.anyAfter
        ? value.includes(lit)
        : a.anyBefore
          ? value.endsWith(lit)
          : a.anyAfter
            ? value.startsWith(lit)
            : value === lit
    )
      return true;
  }
  return false;
}

/**
 * RE2's full match of `pattern` as a string test, when the pattern has the literal form above;
 * undefined otherwise. The test answers undefined for a value it cannot judge (one holding a
 * newline), which the caller then gives to RE2.
 */
export function literalRegex(pattern: string): ((value: string) => boolean | undefined) | undefined {
  const alternatives: Alternative[] = [];
  let i = 0;
  for (;;) {
    const read = alternativeAt(pattern, i);
    if (!read) return undefined;
    alternatives.push(read.alt);
    i = read.end;
    if (i === pattern.length) break;
    if (pattern[i] !== '|') return undefined;
    i += 1;
  }
  return (value) => {
    if (value.includes('\n') || SURROGATE.test(value)) return undefined;
    return alternatives.some((a) => matchesAlternative(a, value));
  };
}
