// Lint checks of an http route's match entries: invalid RE2 regexes (SY130), header keys Istio
// ignores or that are not lowercase (SY132), and prefix matchers on query parameters (SY131).

import type { HTTPMatchRequest, StringMatch } from '../model/index.ts';
import { findInvalidRegexes } from '../policy/index.ts';
import type { LintContext, RawFinding } from './lint-types.ts';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

const IGNORED_HEADER_KEYS = new Set(['uri', 'scheme', 'method', 'authority']);

const REGEX_FIELDS = ['uri', 'scheme', 'method', 'authority'] as const;
const REGEX_MAPS = ['headers', 'withoutHeaders', 'queryParams'] as const;
const HEADER_MAPS = ['headers', 'withoutHeaders'] as const;

function isRegexMatch(sm: unknown): boolean {
  return !!sm && typeof sm === 'object' && typeof (sm as StringMatch).regex === 'string';
}

/** Whether findInvalidRegexes has anything to check in this match (most matches hold no regex). */
function hasRegex(m: Record<string, unknown>): boolean {
  for (const field of REGEX_FIELDS) if (isRegexMatch(m[field])) return true;
  for (const field of REGEX_MAPS) {
    const map = m[field];
    if (map && typeof map === 'object')
      for (const key in map)
        if (Object.hasOwn(map, key) && isRegexMatch((map as Record<string, unknown>)[key])) return true;
  }
  return false;
}

export function lintMatchFields(
  matches: unknown[],
  routePath: string,
  context: LintContext,
  out: RawFinding[],
): void {
  const path = `${routePath}.match`;
  matches.forEach((m, j) => {
    if (!isRecord(m)) return;
    if (hasRegex(m))
      for (const bad of findInvalidRegexes([m as HTTPMatchRequest], context.engine)) {
        out.push({
          code: 'SY130',
          path: `${path}[${j}]${bad.path.slice(3)}`,
          message: `invalid RE2 regex '${bad.pattern}': ${bad.error}`,
          hint: 'Envoy compiles regexes with RE2: no lookahead, lookbehind or backreferences',
        });
      }
    for (const field of HEADER_MAPS) {
      const map = m[field];
      if (!isRecord(map)) continue;
      for (const key of Object.keys(map)) {
        if (IGNORED_HEADER_KEYS.has(key.toLowerCase()))
          out.push({
            code: 'SY132',
            path: `${path}[${j}].${field}.${key}`,
            message: `Istio ignores the header key '${key}'`,
            hint: `use the match field '${key.toLowerCase()}' instead`,
          });
        else if (key !== key.toLowerCase())
          out.push({
            code: 'SY132',
            path: `${path}[${j}].${field}.${key}`,
            message: `header key '${key}' is not lowercase`,
            hint: `write '${key.toLowerCase()}': Istio requires lowercase header keys`,
          });
      }
    }
    const qp = m.queryParams;
    if (isRecord(qp))
      for (const [key, sm] of Object.entries(qp))
        if (isRecord(sm) && typeof sm.prefix === 'string')
          out.push({
            code: 'SY131',
            path: `${path}[${j}].queryParams.${key}.prefix`,
            message: `Istio does not support prefix on query parameters: this only checks that '${key}' is present`,
            hint: `use regex: "${sm.prefix.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}.*"`,
          });
  });
}
