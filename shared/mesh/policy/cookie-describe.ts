// Reading a regex on the `cookie` header back into cookie conditions: the pattern cookiePattern
// writes (exactly, every cookie of a rule), and the common hand-written forms of one cookie:
//
//   ^(.*?;)?(NAME=VALUE)(;.*)?$     (.*;)?\s*NAME=VALUE\s*(;.*)?     .*NAME=VALUE.*     (^|.*;\s*)NAME=VALUE(;.*|$)
//
// with or without anchors, capturing or not, lazy or not, with or without room for spaces after ';'.
// A hand-written form shows the cookie condition its author meant; some of them are looser than
// what the console writes (`.*beta=1.*` also takes `xbeta=10`). The rule's YAML keeps showing the
// regex as written, and a rule is only rewritten, in the console's exact form, when it is edited.

import { COOKIE_NAME, type Condition, cookiePattern, unescapeLiteral } from './content-policy.ts';

type CookieCondition = Extract<Condition, { kind: 'cookie' }>;

const COOKIE_SHAPE = /^\(\?:\.\*;\)\?\\s\*\(\?:(.*)\)\\s\*\(\?:;\.\*\)\?$/s;

/** Reads a cookie-header regex written by cookiePattern back into cookie conditions. */
function readAppCookies(pattern: string): CookieCondition[] | null {
  const inner = COOKIE_SHAPE.exec(pattern)?.[1];
  if (inner === undefined) return null;
  // Only the first order is parsed; re-compiling and comparing proves the reading right.
  const cookies: CookieCondition[] = [];
  let rest = inner;
  while (rest.length > 0) {
    const eq = rest.indexOf('=');
    if (eq <= 0) return null;
    const name = unescapeLiteral(rest.slice(0, eq));
    if (name === null) return null;
    rest = rest.slice(eq + 1);
    let value: string;
    let op: 'exact' | 'regex';
    if (rest.startsWith('(?:')) {
      const end = closingParen(rest);
      if (end === -1) return null;
      value = rest.slice(3, end);
      op = 'regex';
      rest = rest.slice(end + 1);
    } else {
      const stop = literalEnd(rest);
      const raw = stop === -1 ? rest : rest.slice(0, stop);
      const literal = unescapeLiteral(raw);
      if (literal === null) return null;
      value = literal;
      op = 'exact';
      rest = stop === -1 ? '' : rest.slice(stop);
    }
    cookies.push({ kind: 'cookie', name, op, value });
    if (rest.startsWith('|') || rest === '') break;
    const sep = '\\s*;(?:.*;)?\\s*';
    if (!rest.startsWith(sep)) return null;
    rest = rest.slice(sep.length);
  }
  return cookiePattern(cookies) === pattern ? cookies : null;
}

/** Where an escaped literal ends: at the separator to the next cookie, or at the '|' between orders. */
function literalEnd(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('\\s*;', i) || text[i] === '|') return i;
    if (text[i] === '\\') i++;
  }
  return -1;
}

/** Index of the parenthesis closing the group opened at 0, skipping escapes and character classes. */
function closingParen(text: string): number {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const SPACES = ['', '\\s*', ' ?', ' *', '\\s?'];
const ANY = ['.*', '.*?'];
const GROUPS = ['(', '(?:'];

function forms(make: (g: string, any: string, sp: string) => string[]): Set<string> {
  const out = new Set<string>();
  for (const g of GROUPS)
    for (const any of ANY) for (const sp of SPACES) for (const f of make(g, any, sp)) out.add(f);
  return out;
}

/** What may stand before NAME=VALUE: "start of the header, or anything up to a ';'". */
const PREFIXES = forms((g, any, sp) => [
  `${g}${any};${sp})?`,
  `${g}${any};)?${sp}`,
  `${g}^|${any};${sp})`,
  `${g}${any};${sp}|^)`,
  any,
]);
/** What may follow NAME=VALUE: "end of the header, or a ';' and anything". */
const SUFFIXES = forms((g, any, sp) => [
  `${sp}${g};${any})?`,
  `${sp}${g};${any}|$)`,
  `${sp}${g}$|;${any})`,
  any,
]);

/** The longest form in `set` that `text` starts (or, with `atEnd`, ends) with. */
function strip(text: string, set: Set<string>, atEnd: boolean): string | null {
  let best: string | null = null;
  for (const f of set) {
    const fits = atEnd ? text.endsWith(f) : text.startsWith(f);
    if (fits && (best === null || f.length > best.length)) best = f;
  }
  if (best === null) return null;
  return atEnd ? text.slice(0, text.length - best.length) : text.slice(best.length);
}

/** One hand-written cookie regex read as the condition it stands for. */
function readHandWrittenCookie(pattern: string): CookieCondition | null {
  let body = pattern.startsWith('^') && !pattern.startsWith('^|') ? pattern.slice(1) : pattern;
  body = body.endsWith('$') && !body.endsWith('|$)') && !body.endsWith('\\$') ? body.slice(0, -1) : body;
  const afterPrefix = strip(body, PREFIXES, false);
  if (afterPrefix === null) return null;
  let middle = strip(afterPrefix, SUFFIXES, true);
  if (middle === null) return null;
  for (const open of ['(?:', '(']) {
    if (middle.startsWith(open) && middle.endsWith(')') && closingParen(middle) === middle.length - 1) {
      middle = middle.slice(open.length, -1);
      break;
    }
  }
  const eq = middle.indexOf('=');
  if (eq <= 0) return null;
  const name = unescapeLiteral(middle.slice(0, eq));
  if (name === null || !COOKIE_NAME.test(name)) return null;
  const raw = middle.slice(eq + 1);
  if (raw === '' || raw.includes(';')) return null;
  const literal = unescapeLiteral(raw);
  if (literal !== null) return { kind: 'cookie', name, op: 'exact', value: literal };
  // A regex value must be one piece of regex (no top-level '|' that would escape the NAME= part).
  if (!balanced(raw) || topLevelBar(raw)) return null;
  return { kind: 'cookie', name, op: 'regex', value: raw };
}

function balanced(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function topLevelBar(text: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** The cookie conditions a regex on the `cookie` header stands for, or null when it is something else. */
export function recogniseCookies(pattern: string): CookieCondition[] | null {
  const own = readAppCookies(pattern);
  if (own) return own;
  const one = readHandWrittenCookie(pattern);
  return one ? [one] : null;
}
