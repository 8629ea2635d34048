// Unreachable and shadowed http rules. Rule B is shadowed when every one of its matches is covered
// by a match of an earlier rule A: every request B could take, A takes first. "Covers" is decided
// conservatively: when unsure, a match does not cover, so lint never claims a live rule is dead.

import type { HTTPMatchRequest, RegexEngine, StringMatch } from '../model/index.ts';
import type { RawFinding } from './lint-types.ts';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);
const NEUTRAL = new Set(['name', 'statPrefix']);

type One = { op: 'exact' | 'prefix' | 'regex' | 'empty'; value: string } | null;

function one(sm: unknown): One {
  if (!isRecord(sm)) return null;
  const keys = Object.keys(sm).filter((k) => sm[k] !== undefined);
  if (keys.length === 0) return { op: 'empty', value: '' };
  const k = keys[0];
  if (keys.length !== 1 || (k !== 'exact' && k !== 'prefix' && k !== 'regex')) return null;
  const v = (sm as StringMatch)[k];
  return typeof v === 'string' ? { op: k, value: v } : null;
}

/** Does StringMatch `a` accept every value `b` accepts? */
function stringCovers(
  a: unknown,
  b: unknown,
  engine: RegexEngine,
  aNoCase = false,
  bNoCase = false,
): boolean {
  const A = one(a);
  const B = one(b);
  if (!A || !B) return false;
  if (A.op === 'empty') return true;
  if (B.op === 'empty') return A.op === 'regex' && A.value === '.*';
  if (bNoCase && !aNoCase) return A.op === 'prefix' && A.value === '';
  const norm = (s: string) => (aNoCase ? s.toLowerCase() : s);
  switch (A.op) {
    case 'exact':
      return B.op === 'exact' && norm(A.value) === norm(B.value);
    case 'prefix':
      return (B.op === 'exact' || B.op === 'prefix') && norm(B.value).startsWith(norm(A.value));
    case 'regex': {
      if (A.value === '.*') return true;
      if (B.op === 'regex') return A.value === B.value && aNoCase === bNoCase;
      if (B.op === 'exact' && !aNoCase && engine.check(A.value) === null)
        return engine.fullMatcher(A.value)(B.value);
      return false;
    }
  }
}

function mapCovers(a: unknown, b: unknown, each: (x: unknown, y: unknown) => boolean): boolean {
  if (a === undefined) return true;
  if (!isRecord(a)) return false;
  const bm = isRecord(b) ? b : {};
  for (const k in a) if (Object.hasOwn(a, k) && !(k in bm && each(a[k], bm[k]))) return false;
  return true;
}

/** Does match `a` take every request match `b` takes? */
export function matchCovers(a: HTTPMatchRequest, b: HTTPMatchRequest, engine: RegexEngine): boolean {
  for (const key in a) {
    if (!Object.hasOwn(a, key) || NEUTRAL.has(key) || a[key] === undefined) continue;
    switch (key) {
      case 'uri':
        if (!b.uri || !stringCovers(a.uri, b.uri, engine, a.ignoreUriCase === true, b.ignoreUriCase === true))
          return false;
        break;
      case 'ignoreUriCase':
        break;
      case 'method':
      case 'authority':
      case 'scheme':
        if (!b[key] || !stringCovers(a[key], b[key], engine)) return false;
        break;
      case 'headers':
      case 'queryParams':
        if (!mapCovers(a[key], b[key], (x, y) => stringCovers(x, y, engine))) return false;
        break;
      case 'withoutHeaders':
        if (!mapCovers(a[key], b[key], (x, y) => JSON.stringify(x) === JSON.stringify(y))) return false;
        break;
      case 'sourceLabels':
        if (!mapCovers(a[key], b[key], (x, y) => x === y)) return false;
        break;
      case 'sourceNamespace':
      case 'port':
        if (a[key] !== b[key]) return false;
        break;
      case 'gateways': {
        const ag = Array.isArray(a.gateways) ? a.gateways : [];
        const bg = Array.isArray(b.gateways) ? b.gateways : [];
        if (bg.length === 0 || !bg.every((g) => ag.includes(g))) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

function isCatchAll(route: Record<string, unknown>): boolean {
  if (!Array.isArray(route.match) || route.match.length === 0) return true;
  return route.match.some((m) => isRecord(m) && onlyNeutralKeys(m));
}

/** True when every own key is neutral or undefined (for…in with hasOwn: Object.keys without the array). */
function onlyNeutralKeys(m: Record<string, unknown>): boolean {
  for (const k in m) if (Object.hasOwn(m, k) && !NEUTRAL.has(k) && m[k] !== undefined) return false;
  return true;
}

/** The first rule before `j` with a match that covers `m`, or -1. */
function coveringRule(routes: unknown[], j: number, m: HTTPMatchRequest, engine: RegexEngine): number {
  for (let i = 0; i < j; i++) {
    const earlier = routes[i];
    if (!isRecord(earlier) || !Array.isArray(earlier.match)) continue;
    const list: unknown[] = earlier.match;
    for (let k = 0; k < list.length; k++) {
      const a = list[k];
      if (isRecord(a) && matchCovers(a as HTTPMatchRequest, m, engine)) return i;
    }
  }
  return -1;
}

function label(route: unknown, i: number): string {
  const name = isRecord(route) && typeof route.name === 'string' ? ` '${route.name}'` : '';
  return `spec.http[${i}]${name}`;
}

export function lintShadowedRules(routes: unknown[], engine: RegexEngine): RawFinding[] {
  const out: RawFinding[] = [];
  let catchAll: number | null = null;
  routes.forEach((route, j) => {
    if (!isRecord(route)) return;
    if (catchAll !== null) {
      out.push({
        code: 'SY120',
        path: `spec.http[${j}]`,
        message: `is never reached: ${label(routes[catchAll], catchAll)} before it catches every request`,
        hint: 'move this rule above the catch-all, or delete it',
      });
      return;
    }
    if (isCatchAll(route)) {
      catchAll = j;
      return;
    }
    // Loops rather than filter/every/some: this runs for every rule of every VirtualService.
    const matches: unknown[] = route.match as unknown[];
    const coveredBy: number[] = [];
    let allCovered = true;
    let any = false;
    for (let k = 0; k < matches.length && allCovered; k++) {
      const m = matches[k];
      if (!isRecord(m)) continue;
      any = true;
      const i = coveringRule(routes, j, m as HTTPMatchRequest, engine);
      if (i === -1) allCovered = false;
      else if (!coveredBy.includes(i)) coveredBy.push(i);
    }
    if (any && allCovered)
      out.push({
        code: 'SY121',
        path: `spec.http[${j}].match`,
        message: `is shadowed: every request it matches is taken first by ${coveredBy.map((i) => label(routes[i], i)).join(' and ')}`,
        hint: 'put the more specific rule first, or narrow the earlier one',
      });
  });
  return out;
}
