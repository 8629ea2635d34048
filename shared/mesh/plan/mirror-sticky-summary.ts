// Mirror and sticky changes in words, for History: "mirror to v2 at 20%", "stopped mirroring to
// v2", "sticky sessions on (cookie sy-version)", "sticky rule for v2 removed". The sticky rules are
// told here, not as ordinary rules.

import type { ServiceRelease } from '../model/index.ts';
import { stickyRuleVersion } from '../model/index.ts';
import { catchAllMirror } from './mirror-edits.ts';
import type { DesiredRelease } from './release-edits.ts';
import { stickyConfigOf } from './sticky-edits.ts';

const stickyVersions = (r: ServiceRelease) =>
  r.rules.map((x) => stickyRuleVersion(x.name)).filter((v): v is string => v !== undefined);

export function mirrorStickyPhrases(before: ServiceRelease, after: ServiceRelease): string[] {
  const out: string[] = [];
  const mb = catchAllMirror(before);
  const ma = catchAllMirror(after);
  if (ma && (ma.version !== mb?.version || ma.percentage !== mb?.percentage))
    out.push(`mirror to ${ma.version} at ${ma.percentage}%`);
  else if (mb && !ma) out.push(`stopped mirroring to ${mb.version}`);
  if (after.sticky && !before.sticky) out.push(`sticky sessions on (cookie ${after.sticky.cookie})`);
  else if (before.sticky && !after.sticky) out.push('sticky sessions off');
  else if (before.sticky && after.sticky) {
    const was = stickyVersions(before);
    const now = stickyVersions(after);
    for (const v of was.filter((x) => !now.includes(x))) out.push(`sticky rule for ${v} removed`);
    for (const v of now.filter((x) => !was.includes(x))) out.push(`sticky rule for ${v} added`);
  }
  return out;
}

/** What a planned route step does about the mirror and sticky sessions, for the review ('' if nothing). */
export function mirrorStickyPlanWords(current: ServiceRelease, desired: DesiredRelease): string {
  const out: string[] = [];
  const m = desired.mirror;
  const had = catchAllMirror(current);
  if (m && (m.version !== had?.version || m.percentage !== had.percentage))
    out.push(
      `mirror ${m.percentage}% of the catch-all's requests to ${m.version} (copies; their answers are discarded)`,
    );
  else if (m === null && had) out.push(`stop mirroring to ${had.version}`);
  const cfg = stickyConfigOf(desired);
  if (cfg && !current.sticky)
    out.push(
      `sticky sessions: the first answer sets ${cfg.cookie}=<version> (Max-Age ${cfg.maxAgeSeconds}s) and a rule per version sends returning users back to it`,
    );
  else if (!cfg && current.sticky) out.push('sticky sessions off: the cookie headers and sticky rules go');
  else if (cfg) {
    const was = stickyVersions(current);
    const now = desired.rules.flatMap((r) => {
      const v = r.enabled ? stickyRuleVersion(r.name) : undefined;
      return v === undefined ? [] : [v];
    });
    for (const v of was.filter((x) => !now.includes(x)))
      out.push(`sticky rule for ${v} removed (${v} gets no catch-all traffic)`);
    for (const v of now.filter((x) => !was.includes(x))) out.push(`sticky rule for ${v} added`);
  }
  return out.join('; ');
}
