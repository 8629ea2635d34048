// What a routed request brings besides its destination, as far as the demo and the preview need:
// the copies the route mirrors (Envoy's request_mirror_policies: fire-and-forget, the copy's answer
// discarded, its Host/authority suffixed with `-shadow`) and the Set-Cookie the picked destination
// adds to its response (`headers.response.add`), which is how sticky canaries pin a user.

import type { Destination, IstioHTTPRoute } from '../model/index.ts';
import { isPlainObject } from '../model/index.ts';
import { addedSetCookie } from '../read/index.ts';

export interface MirrorCopy {
  destination: Destination;
  /** Percentage (0–100) of the route's requests copied. */
  percentage: number;
}

const percentOf = (p: unknown, fallback: number): number =>
  isPlainObject(p) && typeof p.value === 'number' ? p.value : typeof p === 'number' ? p : fallback;

const isDestination = (d: unknown): d is Destination => isPlainObject(d) && typeof d.host === 'string';

/** The mirrors of a route: `mirrors` (Istio ≥ 1.18) and the older `mirror` + `mirrorPercentage`. */
export function routeMirrors(route: IstioHTTPRoute): MirrorCopy[] {
  const out: MirrorCopy[] = [];
  if (isDestination(route.mirror)) {
    const legacy = route.mirrorPercent ?? route.mirror_percent;
    out.push({ destination: route.mirror, percentage: percentOf(route.mirrorPercentage ?? legacy, 100) });
  }
  for (const m of Array.isArray(route.mirrors) ? route.mirrors : []) {
    if (isPlainObject(m) && isDestination(m.destination))
      out.push({ destination: m.destination, percentage: percentOf(m.percentage, 100) });
  }
  return out;
}

/** The Set-Cookie value each destination of a route adds to its responses (undefined: none). */
export function destinationCookies(route: IstioHTTPRoute): Array<string | undefined> {
  return (Array.isArray(route.route) ? route.route : [])
    .filter((d) => d?.destination?.host)
    .map((d) => {
      const v = addedSetCookie(d);
      return typeof v === 'string' ? v : undefined;
    });
}

export interface SideEffectShares {
  /** Per version, the requests whose answer sets that version's sticky cookie (in first-seen order). */
  pinned: Array<{ version: string; count: number }>;
  /** Per mirror target (its subset, else its host), the expected number of copies. */
  mirrored: Array<{ version: string; count: number }>;
}

/** Counts, over routed outcomes, where sticky cookies would pin users and how many copies mirrors send. */
export function sideEffectShares(
  outcomes: ReadonlyArray<{ kind: string; setCookie?: string; mirrors?: MirrorCopy[] }>,
): SideEffectShares {
  const pinned = new Map<string, number>();
  const mirrored = new Map<string, number>();
  for (const o of outcomes) {
    if (o.kind !== 'route') continue;
    const value = o.setCookie?.split(';')[0]?.split('=')[1]?.trim();
    if (value) pinned.set(value, (pinned.get(value) ?? 0) + 1);
    for (const m of o.mirrors ?? []) {
      const key = m.destination.subset ?? m.destination.host;
      mirrored.set(key, (mirrored.get(key) ?? 0) + m.percentage / 100);
    }
  }
  const rows = (m: Map<string, number>) => [...m].map(([version, count]) => ({ version, count }));
  return { pinned: rows(pinned), mirrored: rows(mirrored) };
}
