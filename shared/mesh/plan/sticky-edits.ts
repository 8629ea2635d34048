// Sticky canaries (model/sticky.ts): turning them on or off, and keeping the sticky rules in step
// with the split. A version that no longer gets catch-all traffic loses its sticky rule, so a
// rollback or "all traffic to X" never leaves users pinned to a drained version: their cookie
// then matches nothing, the catch-all answers them and sets a new cookie.

import type { ServiceRelease } from '../model/index.ts';
import {
  DEFAULT_STICKY_COOKIE,
  DEFAULT_STICKY_MAX_AGE,
  MAX_STICKY_MAX_AGE,
  ReleaseEditError,
  STICKY_COOKIE_PATTERN,
  stickyMatch,
  stickyRuleName,
  stickyRuleVersion,
} from '../model/index.ts';
import { beginCatchAllEdit } from './catch-all-edit.ts';
import type { DesiredRelease, DesiredRule, DesiredSticky } from './release-edits.ts';

type Input = ServiceRelease | DesiredRelease;

export const isStickyRule = (r: { name?: string | undefined }): boolean =>
  stickyRuleVersion(r.name) !== undefined;

/** Turns sticky sessions on (or changes the cookie): `sy-version`, one day, unless told otherwise. */
export function setSticky(x: Input, opts: Partial<DesiredSticky> = {}): DesiredRelease {
  const d = beginCatchAllEdit(x, 'sticky sessions');
  const cookie = opts.cookie ?? d.release.sticky?.cookie ?? DEFAULT_STICKY_COOKIE;
  const maxAgeSeconds = opts.maxAgeSeconds ?? d.release.sticky?.maxAgeSeconds ?? DEFAULT_STICKY_MAX_AGE;
  const field = `spec.http[${d.release.defaultRoute!.index}].route`;
  if (!STICKY_COOKIE_PATTERN.test(cookie)) {
    throw new ReleaseEditError(
      `sticky cookie name '${cookie}' must be 1–64 letters, digits, '-' or '_'`,
      d.release.route,
      field,
    );
  }
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 1 || maxAgeSeconds > MAX_STICKY_MAX_AGE) {
    throw new ReleaseEditError(
      `sticky cookie Max-Age must be whole seconds from 1 to ${MAX_STICKY_MAX_AGE}, got ${maxAgeSeconds}`,
      d.release.route,
      field,
    );
  }
  d.sticky = { cookie, maxAgeSeconds };
  return withStickyRules(d);
}

/** Turns sticky sessions off: the cookie headers and the sticky rules go. */
export function clearSticky(x: Input): DesiredRelease {
  const d = beginCatchAllEdit(x, 'sticky sessions');
  d.sticky = null;
  return withStickyRules(d);
}

/** The sticky option the desired release ends with: the edit's, else the cluster's. */
export function stickyConfigOf(d: DesiredRelease): DesiredSticky | null {
  if (d.sticky !== undefined) return d.sticky;
  const s = d.release.sticky;
  return s ? { cookie: s.cookie, maxAgeSeconds: s.maxAgeSeconds ?? DEFAULT_STICKY_MAX_AGE } : null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The desired release with exactly one sticky rule per version the split gives traffic (none when
 * sticky is off), after every operator rule, so operator rules still win. Existing rules are never
 * reordered (the planner refuses that): an out-of-place sticky rule stays where it is.
 */
export function withStickyRules(d: DesiredRelease): DesiredRelease {
  const cfg = stickyConfigOf(d);
  // Sticky never on here and not being turned off: rules are the operator's, whatever their names.
  if (!cfg && d.sticky === undefined) return d;
  const wanted = cfg ? d.split.filter((s) => s.weight > 0).map((s) => s.version) : [];
  const fits = (r: DesiredRule, v: string) =>
    r.enabled && wanted.includes(v) && r.version === v && same(r.matches, stickyMatch(cfg!.cookie, v));
  const kept = d.rules.filter((r) => {
    const v = stickyRuleVersion(r.name);
    return v === undefined || fits(r, v);
  });
  const have = new Set(kept.map((r) => stickyRuleVersion(r.name)).filter((v) => v !== undefined));
  const added: DesiredRule[] = wanted
    .filter((v) => !have.has(v))
    .map((v) => ({
      name: stickyRuleName(v),
      matches: stickyMatch(cfg!.cookie, v),
      version: v,
      enabled: true,
    }));
  const rules = orderRules([...kept, ...added]);
  return same(rules, d.rules) ? d : { ...d, rules };
}

const existingId = (r: DesiredRule) => r.id !== undefined && !r.id.startsWith('disabled:');

/** Operator rules first, then sticky rules, then disabled ones, unless that moves an existing rule. */
function orderRules(rules: DesiredRule[]): DesiredRule[] {
  const enabled = rules.filter((r) => r.enabled);
  const ordered = [
    ...enabled.filter((r) => !isStickyRule(r)),
    ...enabled.filter(isStickyRule),
    ...rules.filter((r) => !r.enabled),
  ];
  const ids = (list: DesiredRule[]) => list.filter((r) => r.enabled && existingId(r)).map((r) => r.id);
  return same(ids(ordered), ids(rules)) ? ordered : rules;
}
