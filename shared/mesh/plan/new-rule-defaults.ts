// What a new content rule gets without being asked: a name, and the catch-all route's per-route
// settings, so that moving requests from the catch-all to a rule changes which version answers and
// nothing else.
//
// Inherited from the catch-all (Istio HTTPRoute fields): `timeout`, `retries`, `corsPolicy`,
// `headers` (request/response header operations) and `rewrite` — a rule without the catch-all's
// rewrite would send the canary paths it never serves, and one without its CORS policy would break
// browsers. Not inherited: `fault` (injected for tests of the stable path), `mirror`/`mirrors` and
// `mirrorPercentage` (a mirror belongs to the traffic it was set up for), `match`, `route`, `name`,
// `delegate`. Gateway API rules inherit `timeouts`, `retry` and the filters of the same kinds
// (RequestHeaderModifier, ResponseHeaderModifier, URLRewrite, CORS), never RequestMirror or redirects.
//
// The operator's own settings win: a `timeout` or `retries` given for the rule replaces the inherited
// one, and `null` means none at all.

import type { HTTPMatchRequest, ReleaseFlavor } from '../model/index.ts';
import { type Condition, describeMatches } from '../policy/index.ts';

export interface RouteSettings {
  /** Istio duration ("5s"); null: no timeout even if the catch-all has one. */
  timeout?: string | null;
  /** Istio HTTPRetry ({ attempts, perTryTimeout, retryOn }); null: no retries of the rule's own. */
  retries?: Record<string, unknown> | null;
}

const ISTIO_INHERITED = ['timeout', 'retries', 'corsPolicy', 'headers', 'rewrite'] as const;
const GATEWAY_FILTERS = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'URLRewrite', 'CORS']);

function copy<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The fields a new rule copies from the catch-all route, with the operator's settings applied. */
export function inheritedRouteFields(
  flavor: ReleaseFlavor,
  catchAll: unknown,
  settings: RouteSettings = {},
): Record<string, unknown> {
  const from = isObject(catchAll) ? catchAll : {};
  const out: Record<string, unknown> = {};
  if (flavor === 'istio') {
    for (const key of ISTIO_INHERITED) if (from[key] !== undefined) out[key] = copy(from[key]);
    if (settings.timeout !== undefined) out.timeout = settings.timeout;
    if (settings.retries !== undefined) out.retries = settings.retries;
  } else {
    if (from.timeouts !== undefined) out.timeouts = copy(from.timeouts);
    if (from.retry !== undefined) out.retry = copy(from.retry);
    const filters = Array.isArray(from.filters)
      ? from.filters.filter((f) => isObject(f) && GATEWAY_FILTERS.has(String(f.type)))
      : [];
    if (filters.length > 0) out.filters = copy(filters);
    if (settings.timeout !== undefined)
      out.timeouts = settings.timeout === null ? null : { request: settings.timeout };
    if (settings.retries !== undefined) out.retry = settings.retries;
  }
  for (const [k, v] of Object.entries(out)) if (v === null) delete out[k];
  return out;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function conditionWords(c: Condition): string {
  switch (c.kind) {
    case 'header':
    case 'cookie':
    case 'query':
      return `${c.kind}-${c.name}`;
    case 'os':
      return `os-${c.os}`;
    case 'browser':
      return `browser-${c.browser}`;
    case 'sourceLabel':
      return `source-${c.name}`;
    case 'path':
      return `path-${c.value}`;
    case 'method':
      return `method-${c.method}`;
  }
}

/**
 * A name for a new rule, from its version and what it matches (`canary-header-x-canary`,
 * `v2-os-ios-browser-safari`), unique among `taken` by a `-2`, `-3`, … suffix; at most 63 characters.
 */
export function defaultRuleName(
  version: string,
  matches: readonly HTTPMatchRequest[],
  taken: ReadonlySet<string>,
): string {
  let described: Condition[][] | null = null;
  try {
    described = describeMatches(matches);
  } catch {
    described = null;
  }
  const first = described?.[0] ?? [];
  const words = first.length > 0 ? first.map(conditionWords).join('-') : 'rule';
  const base = slug(`${version}-${words}`).slice(0, 58).replace(/-+$/, '') || 'rule';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
