import { PromQLError } from './promql-ast.ts';

export type TokenKind = 'ident' | 'number' | 'duration' | 'string' | 'op' | 'eof';
export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  value?: number;
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const OPERATORS = [
  '=~',
  '!~',
  '!=',
  '==',
  '>=',
  '<=',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '=',
  '>',
  '<',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  ':',
];

export function fail(pos: number, message: string): never {
  throw new PromQLError(`1:${pos + 1}: parse error: ${message}`);
}

/** Parses `5m`, `1h30m`, `250ms`; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+)(ms|s|m|h|d|w|y)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
    at = re.lastIndex;
  }
  return text.length > 0 ? total : undefined;
}

export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < input.length && input[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'" || c === '`') {
      let value = '';
      i++;
      while (i < input.length && input[i] !== c) {
        if (input[i] === '\\' && c !== '`') {
          const next = input[i + 1];
          const escapes: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            '\\': '\\',
            '"': '"',
            "'": "'",
          };
          if (next === undefined) fail(i, 'unterminated quoted string');
          value += escapes[next] ?? `\\${next}`;
          i += 2;
        } else value += input[i++];
      }
      if (i >= input.length) fail(start, 'unterminated quoted string');
      i++;
      tokens.push({ kind: 'string', text: value, pos: start });
      continue;
    }
    if (/[0-9.]/.test(c)) {
      const dur = /^(\d+(ms|s|m|h|d|w|y))+/.exec(input.slice(i));
      if (dur && !/[A-Za-z0-9_]/.test(input[i + dur[0].length] ?? '')) {
        i += dur[0].length;
        tokens.push({ kind: 'duration', text: dur[0], pos: start, value: parseDuration(dur[0]) });
        continue;
      }
      const num = /^(0x[0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)/.exec(input.slice(i));
      if (!num) fail(i, `unexpected character: '${c}'`);
      i += num[0].length;
      tokens.push({ kind: 'number', text: num[0], pos: start, value: Number(num[0]) });
      continue;
    }
    if (/[A-Za-z_:]/.test(c)) {
      const id = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(input.slice(i))?.[0] as string;
      i += id.length;
      tokens.push({ kind: 'ident', text: id, pos: start });
      continue;
    }
    const op = OPERATORS.find((o) => input.startsWith(o, i));
    if (!op) fail(i, `unexpected character: '${c}'`);
    i += op.length;
    tokens.push({ kind: 'op', text: op, pos: start });
  }
  tokens.push({ kind: 'eof', text: '', pos: input.length });
  return tokens;
}
