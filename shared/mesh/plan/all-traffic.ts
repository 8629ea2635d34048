// "All traffic to X" as the operator means it: the catch-all route gives X 100%, and content rules
// that send requests elsewhere are disabled (kept in the route's annotation, so they can come
// back), retargeted to X, or knowingly kept. The per-rule outcomes are what the confirmation lists.

import type { ServiceRelease } from '../model/index.ts';
import { ReleaseEditError } from '../model/index.ts';
import type { DesiredRelease } from './release-edits.ts';
import { desiredOf, retargetRule, setCatchAllTo, setRuleEnabled } from './release-edits.ts';
import { isStickyRule, withStickyRules } from './sticky-edits.ts';

/** What to do with content rules that route to another version. */
export type OtherRulesChoice = 'disable' | 'retarget' | 'keep';

export const OTHER_RULES_CHOICES: readonly OtherRulesChoice[] = ['disable', 'retarget', 'keep'];

export interface RuleOutcome {
  id: string;
  name?: string;
  /** The version the rule routes to before the change. */
  from: string;
  /**
   * disabled: taken out of the route, kept in the annotation; retargeted: now routes to the version;
   * kept: still routes to `from` (the operator chose so); unchanged: it routes to the version already.
   */
  outcome: 'disabled' | 'retargeted' | 'kept' | 'unchanged';
}

/** A route the model cannot edit (redirect, several weighted targets behind a match, …): left as is. */
export interface UntouchedRoute {
  index: number;
  name?: string;
  reason: string;
}

export interface AllTrafficEdit {
  version: string;
  desired: DesiredRelease;
  /** Every enabled content rule, in route order, with what happens to it. */
  rules: RuleOutcome[];
  /** Routes Switchyard does not edit; requests they catch may still go elsewhere. */
  untouched: UntouchedRoute[];
  /** Versions that received requests before (by split or rule) and receive none after. */
  drained: string[];
  /** Mirrors that copy requests to other versions (copies, not answered): left as they are. */
  mirrors: Array<{ version: string; percentage: number }>;
}

function releaseOf(x: ServiceRelease | DesiredRelease): ServiceRelease {
  return 'split' in x && 'release' in x ? x.release : x;
}

/** Versions a desired release sends requests to: a positive split share, an enabled rule, a route outside the model. */
export function routedVersions(d: DesiredRelease): string[] {
  const out = new Set<string>();
  for (const s of d.split) if (s.weight > 0) out.add(s.version);
  for (const r of d.rules) if (r.enabled) out.add(r.version);
  // A route the model does not edit (a matched split) keeps sending to its versions.
  for (const o of d.release.otherRoutes) for (const v of o.versions ?? []) out.add(v);
  return [...out];
}

/**
 * Sends every request of the release to `version`: the catch-all split becomes 100% for it, and
 * each enabled rule routing elsewhere is disabled, retargeted or kept as `rules` says.
 */
export function routeAllTrafficTo(
  x: ServiceRelease | DesiredRelease,
  version: string,
  opts: { rules: OtherRulesChoice },
): AllTrafficEdit {
  if (!OTHER_RULES_CHOICES.includes(opts.rules)) {
    throw new ReleaseEditError(
      `unknown choice for the other rules '${String(opts.rules)}' (one of ${OTHER_RULES_CHOICES.join(', ')})`,
      releaseOf(x).route,
    );
  }
  const before = 'split' in x && 'release' in x ? x : desiredOf(x);
  let d = setCatchAllTo(before, version);
  const rules: RuleOutcome[] = [];
  for (const r of before.rules) {
    // Sticky rules follow the split (withStickyRules below): the drained versions' rules go.
    if (!r.enabled || isStickyRule(r)) continue;
    if (r.id === undefined) {
      throw new ReleaseEditError(
        'apply or discard the new content rules before sending all traffic to one version',
        d.release.route,
      );
    }
    const base = { id: r.id, ...(r.name !== undefined ? { name: r.name } : {}), from: r.version };
    if (r.version === version) {
      rules.push({ ...base, outcome: 'unchanged' });
    } else if (opts.rules === 'disable') {
      d = setRuleEnabled(d, r.id, false);
      rules.push({ ...base, outcome: 'disabled' });
    } else if (opts.rules === 'retarget') {
      d = retargetRule(d, r.id, version);
      rules.push({ ...base, outcome: 'retargeted' });
    } else rules.push({ ...base, outcome: 'kept' });
  }
  d = withStickyRules(d);
  const after = new Set(routedVersions(d));
  return {
    version,
    desired: d,
    rules,
    untouched: d.release.otherRoutes.map((o) => ({
      index: o.index,
      ...(o.name !== undefined ? { name: o.name } : {}),
      reason: o.reason,
    })),
    drained: routedVersions(before).filter((v) => !after.has(v)),
    mirrors: d.release.mirrors
      .filter((m) => m.version !== version)
      .map((m) => ({ version: m.version ?? m.host, percentage: m.percentage })),
  };
}
