// Content policies: who gets a version, as conditions that compile to Istio HTTPMatchRequests.
//
// Istio semantics this file relies on (VirtualService reference, HTTPMatchRequest.headers):
// - header keys are lowercase; a header whose StringMatch is empty (`{}`) checks presence only
//   ("If the value is empty and only the name of header is specified, presence of the header is
//   checked"), and Envoy gets a present_match. In `withoutHeaders` the same `{}` means "absent".
// - every `regex` is RE2 and must match the whole value.
// - queryParams support exact and regex; Istio drops a `prefix` matcher, so a query prefix
//   condition is written as an anchored regex instead.
// - one HTTPMatchRequest ANDs its fields; the entries of `match` are ORed.

import type { HTTPMatchRequest, RegexEngine, StringMatch } from '../model/index.ts';
import {
  BROWSER_PRESETS,
  type BrowserPreset,
  isBrowserPreset,
  isOsPreset,
  OS_PRESETS,
  type OsPreset,
  userAgentPatterns,
} from './ua-presets.ts';

export type HeaderOp = 'exact' | 'prefix' | 'regex' | 'present' | 'absent';

export type Condition =
  | { kind: 'header'; name: string; op: HeaderOp; value?: string }
  | { kind: 'cookie'; name: string; op: 'exact' | 'regex'; value: string }
  | { kind: 'os'; os: OsPreset }
  | { kind: 'browser'; browser: BrowserPreset }
  | { kind: 'query'; name: string; op: 'exact' | 'prefix' | 'regex'; value: string }
  | { kind: 'sourceLabel'; name: string; value: string }
  /** The request path (Istio `uri`; Gateway API `path`: Exact, PathPrefix, RegularExpression). */
  | { kind: 'path'; op: 'exact' | 'prefix' | 'regex'; value: string }
  /** The HTTP method (Istio `method.exact`; Gateway API `method`). */
  | { kind: 'method'; method: HttpMethod };

/** The methods a Gateway API HTTPRoute match accepts (its CRD's enum); Istio takes them too. */
export const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Why a path condition cannot be written; null when it can. */
export function pathConditionError(op: 'exact' | 'prefix' | 'regex', value: string): string | null {
  if (value === '') return 'the path is empty';
  if (op !== 'regex' && !value.startsWith('/')) return `the path '${value}' must start with '/'`;
  if (op === 'prefix' && value === '/')
    return "the path prefix '/' matches every request: leave the rule without a path condition";
  return null;
}

/** Header keys Istio ignores in `headers` (they are matched by their own fields). */
export const RESERVED_HEADER_KEYS = new Set(['uri', 'scheme', 'method', 'authority']);
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+._`|-]+$/;
export const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+._`|^~-]+$/;
const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Escapes every RE2 metacharacter so the text matches itself literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** The literal text a pattern made only of escaped characters stands for, or null when it has regex syntax. */
export function unescapeLiteral(pattern: string): string | null {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || !/[\\^$.|?*+()[\]{}]/.test(next)) return null;
      out += next;
      i++;
    } else if (/[\\^$.|?*+()[\]{}]/.test(c)) return null;
    else out += c;
  }
  return out;
}

const SYNTAX =
  'header:NAME=VALUE, header:NAME~REGEX, header:NAME^PREFIX, header:NAME, !header:NAME, cookie:NAME=VALUE, ' +
  'cookie:NAME~REGEX, os:NAME, browser:NAME, query:NAME=VALUE, query:NAME~REGEX, source:LABEL=VALUE, ' +
  'path:=/EXACT, path:^/PREFIX, path:~REGEX, method:GET';

function splitOperator(rest: string, ops: string): { name: string; op: string | null; value: string } {
  let at = -1;
  for (let i = 0; i < rest.length; i++) {
    if (ops.includes(rest[i]!)) {
      at = i;
      break;
    }
  }
  if (at === -1) return { name: rest, op: null, value: '' };
  return { name: rest.slice(0, at), op: rest[at]!, value: rest.slice(at + 1) };
}

/** Parses the CLI syntax of one condition; the error names the part that is wrong. */
export function parseCondition(text: string): Condition {
  const raw = text.trim();
  const negated = raw.startsWith('!');
  const body = negated ? raw.slice(1) : raw;
  const colon = body.indexOf(':');
  if (colon === -1) throw new Error(`condition '${text}' has no kind: expected one of ${SYNTAX}`);
  const kind = body.slice(0, colon).toLowerCase();
  const rest = body.slice(colon + 1);
  if (negated && kind !== 'header')
    throw new Error(`condition '${text}': '!' (absent) only applies to headers, as in !header:NAME`);
  switch (kind) {
    case 'header': {
      const { name, op, value } = splitOperator(rest, '=~^');
      const lower = checkHeaderName(name, text);
      if (negated) {
        if (op !== null)
          throw new Error(`condition '${text}': !header:NAME takes no value (it means the header is absent)`);
        return { kind: 'header', name: lower, op: 'absent' };
      }
      if (op === null) return { kind: 'header', name: lower, op: 'present' };
      const ops = { '=': 'exact', '~': 'regex', '^': 'prefix' } as const;
      return { kind: 'header', name: lower, op: ops[op as keyof typeof ops], value };
    }
    case 'cookie': {
      const { name, op, value } = splitOperator(rest, '=~');
      if (!name || !COOKIE_NAME.test(name))
        throw new Error(
          `condition '${text}': cookie name '${name}' is empty or has characters a cookie name cannot hold`,
        );
      if (op === null)
        throw new Error(`condition '${text}': expected cookie:NAME=VALUE or cookie:NAME~REGEX`);
      if (value.includes(';')) throw new Error(`condition '${text}': a cookie value cannot contain ';'`);
      return { kind: 'cookie', name, op: op === '=' ? 'exact' : 'regex', value };
    }
    case 'os': {
      const os = rest.trim().toLowerCase();
      if (!isOsPreset(os))
        throw new Error(
          `condition '${text}': unknown operating system '${rest}' (known: ${OS_PRESETS.join(', ')})`,
        );
      return { kind: 'os', os };
    }
    case 'browser': {
      const browser = rest.trim().toLowerCase();
      if (!isBrowserPreset(browser))
        throw new Error(
          `condition '${text}': unknown browser '${rest}' (known: ${BROWSER_PRESETS.join(', ')})`,
        );
      return { kind: 'browser', browser };
    }
    case 'query': {
      const { name, op, value } = splitOperator(rest, '=~^');
      if (!name) throw new Error(`condition '${text}': the query parameter name is empty`);
      if (op === null) throw new Error(`condition '${text}': expected query:NAME=VALUE or query:NAME~REGEX`);
      const ops = { '=': 'exact', '~': 'regex', '^': 'prefix' } as const;
      return { kind: 'query', name, op: ops[op as keyof typeof ops], value };
    }
    case 'source': {
      const { name, op, value } = splitOperator(rest, '=');
      if (!name || !LABEL_NAME.test(name))
        throw new Error(`condition '${text}': '${name}' is not a valid label name`);
      if (op === null) throw new Error(`condition '${text}': expected source:LABEL=VALUE`);
      return { kind: 'sourceLabel', name, value };
    }
    case 'path': {
      const ops = { '=': 'exact', '~': 'regex', '^': 'prefix' } as const;
      const op = ops[rest[0] as keyof typeof ops];
      if (!op) throw new Error(`condition '${text}': expected path:=/EXACT, path:^/PREFIX or path:~REGEX`);
      const value = rest.slice(1);
      const problem = pathConditionError(op, value);
      if (problem) throw new Error(`condition '${text}': ${problem}`);
      return { kind: 'path', op, value };
    }
    case 'method': {
      const method = rest.trim().toUpperCase();
      if (!(HTTP_METHODS as readonly string[]).includes(method))
        throw new Error(`condition '${text}': unknown method '${rest}' (known: ${HTTP_METHODS.join(', ')})`);
      return { kind: 'method', method: method as HttpMethod };
    }
    default:
      throw new Error(
        `condition '${text}': unknown kind '${kind}' (expected header, cookie, os, browser, query, source, path or method)`,
      );
  }
}

function checkHeaderName(name: string, text: string): string {
  if (!name) throw new Error(`condition '${text}': the header name is empty`);
  if (!HEADER_NAME.test(name)) throw new Error(`condition '${text}': '${name}' is not a valid header name`);
  const lower = name.toLowerCase();
  if (RESERVED_HEADER_KEYS.has(lower))
    throw new Error(
      `condition '${text}': Istio ignores the header key '${lower}' (it has a match field of its own)`,
    );
  return lower;
}

/** The CLI syntax of a condition (parseCondition's inverse). */
export function formatCondition(c: Condition): string {
  switch (c.kind) {
    case 'header': {
      if (c.op === 'present') return `header:${c.name}`;
      if (c.op === 'absent') return `!header:${c.name}`;
      const op = { exact: '=', regex: '~', prefix: '^' }[c.op];
      return `header:${c.name}${op}${c.value ?? ''}`;
    }
    case 'cookie':
      return `cookie:${c.name}${c.op === 'exact' ? '=' : '~'}${c.value}`;
    case 'os':
      return `os:${c.os}`;
    case 'browser':
      return `browser:${c.browser}`;
    case 'query':
      return `query:${c.name}${{ exact: '=', regex: '~', prefix: '^' }[c.op]}${c.value}`;
    case 'sourceLabel':
      return `source:${c.name}=${c.value}`;
    case 'path':
      return `path:${{ exact: '=', regex: '~', prefix: '^' }[c.op]}${c.value}`;
    case 'method':
      return `method:${c.method}`;
  }
}

// The cookie header is "a=1; b=2": a cookie starts the header or follows a ';', and ends the header
// or is followed by one. Several cookies are written in every order (RE2 has no lookahead).
const COOKIE_START = '(?:.*;)?\\s*';
const COOKIE_BETWEEN = '\\s*;(?:.*;)?\\s*';
const COOKIE_END = '\\s*(?:;.*)?';
export const MAX_COOKIES_PER_RULE = 3;

function cookieToken(c: Extract<Condition, { kind: 'cookie' }>): string {
  return `${escapeRegex(c.name)}=${c.op === 'exact' ? escapeRegex(c.value) : `(?:${c.value})`}`;
}

function orders<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    orders([...items.slice(0, i), ...items.slice(i + 1)]).map((r) => [item, ...r]),
  );
}

/** The RE2 pattern on the `cookie` header that holds every given cookie. */
export function cookiePattern(cookies: ReadonlyArray<Extract<Condition, { kind: 'cookie' }>>): string {
  const alternatives = orders(cookies.map(cookieToken)).map((o) => o.join(COOKIE_BETWEEN));
  return `${COOKIE_START}(?:${alternatives.join('|')})${COOKIE_END}`;
}

/**
 * Compiles one rule (conditions ANDed) to the HTTPMatchRequests that go under `http[].match`
 * (ORed): usually one; several when a preset has alternatives (the cross product). An empty rule
 * compiles to [] — a route without `match`, which catches every request (Istio rejects an empty
 * HTTPMatchRequest). With an engine, every regex is checked with RE2 first.
 */
export function compileRule(conditions: readonly Condition[], engine?: RegexEngine): HTTPMatchRequest[] {
  const headers: Record<string, StringMatch> = {};
  const withoutHeaders: Record<string, StringMatch> = {};
  const queryParams: Record<string, StringMatch> = {};
  const sourceLabels: Record<string, string> = {};
  const cookies: Array<Extract<Condition, { kind: 'cookie' }>> = [];
  let os: OsPreset | undefined;
  let browser: BrowserPreset | undefined;
  let uri: StringMatch | undefined;
  let method: HttpMethod | undefined;
  const claim = (map: Record<string, unknown>, key: string, what: string) => {
    if (key in map)
      throw new Error(`a rule can hold one condition on ${what} '${key}'; '${key}' appears twice`);
  };
  for (const c of conditions) {
    switch (c.kind) {
      case 'header': {
        const name = checkHeaderName(c.name, formatCondition(c));
        if (c.op === 'absent') {
          claim(withoutHeaders, name, 'the absence of header');
          withoutHeaders[name] = {};
        } else {
          claim(headers, name, 'header');
          headers[name] = c.op === 'present' ? {} : { [c.op]: c.value ?? '' };
        }
        break;
      }
      case 'cookie':
        cookies.push(c);
        break;
      case 'os':
        if (os && os !== c.os)
          throw new Error(
            `a rule can name one operating system (found ${os} and ${c.os}); put each in a rule of its own to OR them`,
          );
        os = c.os;
        break;
      case 'browser':
        if (browser && browser !== c.browser)
          throw new Error(
            `a rule can name one browser (found ${browser} and ${c.browser}); put each in a rule of its own to OR them`,
          );
        browser = c.browser;
        break;
      case 'query':
        claim(queryParams, c.name, 'query parameter');
        queryParams[c.name] =
          c.op === 'prefix' ? { regex: `${escapeRegex(c.value)}.*` } : { [c.op]: c.value };
        break;
      case 'sourceLabel':
        claim(sourceLabels, c.name, 'source label');
        sourceLabels[c.name] = c.value;
        break;
      case 'path': {
        if (uri)
          throw new Error('a rule can hold one path condition; put each in a rule of its own to OR them');
        const problem = pathConditionError(c.op, c.value);
        if (problem) throw new Error(`condition '${formatCondition(c)}': ${problem}`);
        uri = { [c.op]: c.value };
        break;
      }
      case 'method':
        if (method && method !== c.method)
          throw new Error(
            `a rule can name one method (found ${method} and ${c.method}); put each in a rule of its own to OR them`,
          );
        if (!(HTTP_METHODS as readonly string[]).includes(c.method))
          throw new Error(`unknown method '${c.method}' (known: ${HTTP_METHODS.join(', ')})`);
        method = c.method;
        break;
    }
  }
  if (cookies.length > 0) {
    if ('cookie' in headers || 'cookie' in withoutHeaders)
      throw new Error(
        'a rule cannot combine cookie:… conditions with a header condition on the cookie header',
      );
    if (cookies.length > MAX_COOKIES_PER_RULE)
      throw new Error(
        `a rule can hold at most ${MAX_COOKIES_PER_RULE} cookie conditions (found ${cookies.length})`,
      );
    headers.cookie = { regex: cookiePattern(cookies) };
  }
  const ua = os || browser ? userAgentPatterns(os, browser) : [];
  if (ua.length > 0 && ('user-agent' in headers || 'user-agent' in withoutHeaders))
    throw new Error('a rule cannot combine os:/browser: presets with a header condition on user-agent');
  const base = (): HTTPMatchRequest => ({
    ...(uri ? { uri: { ...uri } } : {}),
    ...(method ? { method: { exact: method } } : {}),
    ...(Object.keys(headers).length ? { headers: { ...headers } } : {}),
    ...(Object.keys(withoutHeaders).length ? { withoutHeaders: { ...withoutHeaders } } : {}),
    ...(Object.keys(queryParams).length ? { queryParams: { ...queryParams } } : {}),
    ...(Object.keys(sourceLabels).length ? { sourceLabels: { ...sourceLabels } } : {}),
  });
  const matches =
    ua.length === 0
      ? [base()]
      : ua.map((p) => {
          const m = base();
          m.headers = { ...m.headers, 'user-agent': { regex: p.match } };
          if (p.exclude) m.withoutHeaders = { ...m.withoutHeaders, 'user-agent': { regex: p.exclude } };
          return m;
        });
  const result = matches.filter((m) => Object.keys(m).length > 0);
  if (engine) assertValidRegexes(result, engine, conditions);
  return result;
}

/** Every regex in the matches with RE2's verdict on it; `path` is relative to one match list. */
export function findInvalidRegexes(
  matches: readonly HTTPMatchRequest[],
  engine: RegexEngine,
): Array<{ path: string; pattern: string; error: string }> {
  const out: Array<{ path: string; pattern: string; error: string }> = [];
  const visit = (sm: unknown, path: string) => {
    if (!sm || typeof sm !== 'object') return;
    const regex = (sm as StringMatch).regex;
    if (typeof regex !== 'string') return;
    const error = engine.check(regex);
    if (error !== null) out.push({ path: `${path}.regex`, pattern: regex, error });
  };
  matches.forEach((m, i) => {
    for (const field of ['uri', 'scheme', 'method', 'authority'] as const) visit(m[field], `[${i}].${field}`);
    for (const field of ['headers', 'withoutHeaders', 'queryParams'] as const) {
      const map = m[field];
      if (map && typeof map === 'object')
        for (const [k, v] of Object.entries(map)) visit(v, `[${i}].${field}.${k}`);
    }
  });
  return out;
}

function assertValidRegexes(
  matches: HTTPMatchRequest[],
  engine: RegexEngine,
  conditions: readonly Condition[],
): void {
  const bad = findInvalidRegexes(matches, engine)[0];
  if (!bad) return;
  const culprit = conditions.find(
    (c) => 'value' in c && c.value !== undefined && bad.pattern.includes(c.value),
  );
  const where = culprit ? `condition '${formatCondition(culprit)}'` : `match${bad.path}`;
  throw new Error(`${where}: invalid RE2 regex '${bad.pattern}': ${bad.error}`);
}
