// Sticky canaries, as Switchyard writes them in a VirtualService: each weighted destination of the
// catch-all route sets a cookie naming its version (`route[].headers.response.add.set-cookie`), and
// one content rule per version that gets traffic (named `sy-sticky-<version>`, just before the
// catch-all) sends requests carrying that cookie back to the same version.
//
// Why not the DestinationRule's `consistentHash`: Envoy picks the weighted cluster (the subset)
// first and hashes only among that subset's pods, so a hash never pins a user to a version across
// weighted subsets (istio/istio#9764). The cookie pair above is what pins the version.

/** The sticky option as read from a route: the cookie and which versions set it. */
export interface StickySessions {
  cookie: string;
  /** The cookie's Max-Age in seconds, when it has one. */
  maxAgeSeconds?: number;
  /** Versions whose catch-all destination sets the cookie. */
  versions: string[];
}

export const STICKY_RULE_PREFIX = 'sy-sticky-';
export const DEFAULT_STICKY_COOKIE = 'sy-version';
export const DEFAULT_STICKY_MAX_AGE = 86_400;
export const MAX_STICKY_MAX_AGE = 31_536_000;
/** A cookie name Switchyard writes: a token a regex needs no escaping for. */
export const STICKY_COOKIE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const stickyRuleName = (version: string): string => `${STICKY_RULE_PREFIX}${version}`;

/** The version a sticky rule's name pins, or undefined for any other rule. */
export function stickyRuleVersion(name: string | undefined): string | undefined {
  return name?.startsWith(STICKY_RULE_PREFIX) ? name.slice(STICKY_RULE_PREFIX.length) : undefined;
}

/** The Set-Cookie value a version's destination adds: `sy-version=v2; Path=/; Max-Age=86400`. */
export function stickyCookieValue(cookie: string, version: string, maxAgeSeconds?: number): string {
  return `${cookie}=${version}; Path=/${maxAgeSeconds !== undefined ? `; Max-Age=${maxAgeSeconds}` : ''}`;
}

/** Reads a Set-Cookie value back: its name, value and Max-Age (seconds), or null if it is not one. */
export function parseSetCookie(
  value: unknown,
): { name: string; value: string; maxAgeSeconds?: number } | null {
  if (typeof value !== 'string') return null;
  const [pair = '', ...attrs] = value.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const out: { name: string; value: string; maxAgeSeconds?: number } = {
    name: pair.slice(0, eq),
    value: pair.slice(eq + 1),
  };
  for (const a of attrs) {
    const m = /^max-age=(\d+)$/i.exec(a);
    if (m) out.maxAgeSeconds = Number(m[1]);
  }
  return out;
}

/**
 * The `cookie` header regex (RE2, matched whole, as Istio does) that finds `<cookie>=<version>`
 * among the request's cookies, whatever comes before or after it.
 */
export function stickyCookieRegex(cookie: string, version: string): string {
  const v = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `(.*;\\s*)?${cookie}=${v}(;.*)?`;
}

/** The Istio match of a version's sticky rule. */
export function stickyMatch(
  cookie: string,
  version: string,
): Array<{ headers: Record<string, { regex: string }> }> {
  return [{ headers: { cookie: { regex: stickyCookieRegex(cookie, version) } } }];
}
