// Reads the sticky option (model/sticky.ts) from a VirtualService's catch-all route: the cookie a
// destination sets in `headers.response.add`, when its value names that destination's version.

import type { DefaultRoute, StickySessions } from '../model/index.ts';
import { isPlainObject, parseSetCookie } from '../model/index.ts';

/** The `set-cookie` value a destination adds to its responses (header names are case-insensitive). */
export function addedSetCookie(destination: unknown): unknown {
  if (!isPlainObject(destination)) return undefined;
  const headers = destination.headers;
  const response = isPlainObject(headers) ? headers.response : undefined;
  const add = isPlainObject(response) ? response.add : undefined;
  if (!isPlainObject(add)) return undefined;
  const key = Object.keys(add).find((k) => k.toLowerCase() === 'set-cookie');
  return key === undefined ? undefined : add[key];
}

/** The sticky option of a catch-all route, or undefined when no destination sets a version cookie. */
export function readSticky(dr: DefaultRoute | null, raw: readonly unknown[]): StickySessions | undefined {
  if (!dr) return undefined;
  let found: StickySessions | undefined;
  for (const d of dr.destinations) {
    const c = parseSetCookie(addedSetCookie(raw[Number(d.pointer.split('/').pop())]));
    if (!c || c.value !== d.version || (found && found.cookie !== c.name)) continue;
    found ??= {
      cookie: c.name,
      ...(c.maxAgeSeconds !== undefined ? { maxAgeSeconds: c.maxAgeSeconds } : {}),
      versions: [],
    };
    found.versions.push(d.version);
  }
  return found;
}
