// The patch operations of the sticky option on the catch-all route's destinations: each adds
// `headers.response.add.set-cookie: <cookie>=<version>; Path=/; Max-Age=…`, or loses it. A
// destination's own Set-Cookie header is never overwritten. The sticky rules are ordinary content
// rules (sticky-edits.ts withStickyRules), planned by the rule planner.

import type { ServiceRelease } from '../model/index.ts';
import {
  fieldOf,
  isPlainObject,
  parseSetCookie,
  ReleaseEditError,
  stickyCookieValue,
} from '../model/index.ts';
import { addedSetCookie } from '../read/index.ts';
import type { PatchWriter } from './patch-writer.ts';
import { removeNested, setNested } from './patch-writer.ts';
import type { DesiredRelease } from './release-edits.ts';
import { stickyConfigOf } from './sticky-edits.ts';

const KEYS = ['headers', 'response', 'add'];

/** The fields a new catch-all destination gets for the sticky option (none when it is off). */
export function stickyDestinationFields(desired: DesiredRelease, version: string): Record<string, unknown> {
  const cfg = stickyConfigOf(desired);
  if (!cfg) return {};
  return {
    headers: {
      response: { add: { 'set-cookie': stickyCookieValue(cfg.cookie, version, cfg.maxAgeSeconds) } },
    },
  };
}

/** Runs before the split's structural changes: it writes at the destinations' current pointers. */
export function stickyOps(current: ServiceRelease, desired: DesiredRelease, b: PatchWriter): void {
  const dr = current.defaultRoute;
  if (!dr || current.flavor !== 'istio') return;
  const cfg = stickyConfigOf(desired);
  const kept = new Set(desired.split.map((s) => s.version));
  for (const d of dr.destinations) {
    if (!kept.has(d.version)) continue;
    const raw = b.at(d.pointer);
    const had = addedSetCookie(raw);
    const add = b.at(`${d.pointer}/headers/response/add`);
    const key =
      Object.keys(isPlainObject(add) ? add : {}).find((k) => k.toLowerCase() === 'set-cookie') ??
      'set-cookie';
    const parsed = parseSetCookie(had);
    const ours =
      parsed !== null &&
      parsed.value === d.version &&
      (parsed.name === current.sticky?.cookie || parsed.name === cfg?.cookie);
    if (!cfg) {
      if (ours) removeNested(b, d.pointer, [...KEYS, key]);
      continue;
    }
    const value = stickyCookieValue(cfg.cookie, d.version, cfg.maxAgeSeconds);
    if (had !== undefined && !ours) {
      throw new ReleaseEditError(
        `the destination for '${d.version}' already adds its own Set-Cookie header; sticky sessions would replace it`,
        current.route,
        `${fieldOf(d.pointer)}.headers.response.add`,
      );
    }
    setNested(b, d.pointer, [...KEYS, key], value, current.route);
  }
}
