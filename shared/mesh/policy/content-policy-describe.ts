// The reverse of compileRule: read an HTTPMatchRequest back as conditions, so the UI can show a rule
// in words. Anything a Condition cannot say exactly (a withoutHeaders regex, a uri prefix '/', …) gives null.

import type { HTTPMatchRequest, StringMatch } from '../model/index.ts';
import {
  type Condition,
  compileRule,
  HTTP_METHODS,
  type HttpMethod,
  pathConditionError,
  unescapeLiteral,
} from './content-policy.ts';
import { recogniseCookies } from './cookie-describe.ts';
import {
  BROWSER_PRESETS,
  type BrowserPreset,
  OS_PRESETS,
  type OsPreset,
  userAgentPatterns,
} from './ua-presets.ts';

/** Keys that only name or label a match and say nothing about which requests it takes. */
const NEUTRAL_KEYS = new Set(['name', 'statPrefix']);
const EXPRESSIBLE_KEYS = new Set([
  'uri',
  'method',
  'headers',
  'withoutHeaders',
  'queryParams',
  'sourceLabels',
]);

function oneOf(sm: unknown): { op: 'exact' | 'prefix' | 'regex' | 'empty'; value: string } | null {
  if (!sm || typeof sm !== 'object' || Array.isArray(sm)) return null;
  const keys = Object.keys(sm).filter((k) => (sm as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0) return { op: 'empty', value: '' };
  if (keys.length !== 1) return null;
  const op = keys[0] as 'exact' | 'prefix' | 'regex';
  const value = (sm as StringMatch)[op];
  if (!['exact', 'prefix', 'regex'].includes(op) || typeof value !== 'string') return null;
  return { op, value };
}

type Presets = { os?: OsPreset; browser?: BrowserPreset };

/** Which OS/browser presets wrote this user-agent pair, if any. */
function recognisePresets(match: string, exclude: string | undefined): Presets | null {
  const oses: Array<OsPreset | undefined> = [undefined, ...OS_PRESETS];
  const browsers: Array<BrowserPreset | undefined> = [undefined, ...BROWSER_PRESETS];
  for (const os of oses) {
    for (const browser of browsers) {
      if (!os && !browser) continue;
      const hit = userAgentPatterns(os, browser).some(
        (p) => p.match === match && (p.exclude ?? undefined) === exclude,
      );
      if (hit) return { ...(os ? { os } : {}), ...(browser ? { browser } : {}) };
    }
  }
  return null;
}

/**
 * The conditions one HTTPMatchRequest stands for: what compileRule wrote, and plain header, query
 * and source-label matches written by hand. Null when the match uses anything a Condition cannot
 * express. A preset with alternatives compiles to several matches; each reads back as the whole rule.
 */
export function describeMatch(match: HTTPMatchRequest): Condition[] | null {
  if (!match || typeof match !== 'object') return null;
  for (const key of Object.keys(match)) {
    if (NEUTRAL_KEYS.has(key) || match[key] === undefined) continue;
    if (!EXPRESSIBLE_KEYS.has(key)) return null;
  }
  const out: Condition[] = [];
  if (match.uri !== undefined) {
    const m = oneOf(match.uri);
    if (!m || m.op === 'empty' || pathConditionError(m.op, m.value) !== null) return null;
    out.push({ kind: 'path', op: m.op, value: m.value });
  }
  if (match.method !== undefined) {
    const m = oneOf(match.method);
    if (m?.op !== 'exact' || !(HTTP_METHODS as readonly string[]).includes(m.value)) return null;
    out.push({ kind: 'method', method: m.value as HttpMethod });
  }
  const headers = { ...(match.headers ?? {}) };
  const without = { ...(match.withoutHeaders ?? {}) };
  if (typeof headers !== 'object' || typeof without !== 'object') return null;

  const ua = oneOf(headers['user-agent']);
  const uaExclude = oneOf(without['user-agent']);
  let presets: Presets | null = null;
  if (ua?.op === 'regex' && (uaExclude === null || uaExclude.op === 'regex')) {
    presets = recognisePresets(ua.value, uaExclude?.value);
    if (presets) {
      delete headers['user-agent'];
      delete without['user-agent'];
    }
  }
  const cookie = oneOf(headers.cookie);
  const cookies = cookie?.op === 'regex' ? recogniseCookies(cookie.value) : null;
  if (cookies) delete headers.cookie;

  for (const [name, sm] of Object.entries(headers)) {
    const m = oneOf(sm);
    if (!m) return null;
    const lower = name.toLowerCase();
    if (m.op === 'empty' || (m.op === 'regex' && m.value === '.*'))
      out.push({ kind: 'header', name: lower, op: 'present' });
    else out.push({ kind: 'header', name: lower, op: m.op, value: m.value });
  }
  if (cookies) out.push(...cookies);
  if (presets?.os) out.push({ kind: 'os', os: presets.os });
  if (presets?.browser) out.push({ kind: 'browser', browser: presets.browser });
  for (const [name, sm] of Object.entries(without)) {
    const m = oneOf(sm);
    if (!m || !(m.op === 'empty' || (m.op === 'regex' && m.value === '.*'))) return null;
    out.push({ kind: 'header', name: name.toLowerCase(), op: 'absent' });
  }
  for (const [name, sm] of Object.entries(match.queryParams ?? {})) {
    const m = oneOf(sm);
    // Istio drops a query `prefix` (Envoy then only checks presence), which no condition says.
    if (!m || m.op === 'prefix' || m.op === 'empty') return null;
    const literalPrefix =
      m.op === 'regex' && m.value.endsWith('.*') ? unescapeLiteral(m.value.slice(0, -2)) : null;
    if (literalPrefix !== null) out.push({ kind: 'query', name, op: 'prefix', value: literalPrefix });
    else out.push({ kind: 'query', name, op: m.op, value: m.value });
  }
  for (const [name, value] of Object.entries(match.sourceLabels ?? {})) {
    if (typeof value !== 'string') return null;
    out.push({ kind: 'sourceLabel', name, value });
  }
  return out;
}

/**
 * Reads a whole `match` list back into rules: consecutive matches that one rule compiles to (a
 * preset's alternatives) become one rule again. Null when any match cannot be expressed.
 */
export function describeMatches(matches: readonly HTTPMatchRequest[]): Condition[][] | null {
  const rules: Condition[][] = [];
  let i = 0;
  while (i < matches.length) {
    const conditions = describeMatch(matches[i]!);
    if (!conditions) return null;
    let width = 1;
    try {
      const compiled = compileRule(conditions);
      const run = matches.slice(i, i + compiled.length);
      if (compiled.length > 1 && JSON.stringify(run) === JSON.stringify(compiled)) width = compiled.length;
    } catch {
      // Hand-written matches compileRule would refuse (two presets on one header) still read back singly.
    }
    rules.push(conditions);
    i += width;
  }
  return rules;
}
