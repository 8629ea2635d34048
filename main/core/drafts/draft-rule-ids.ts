// A draft's view shows its rules with the ids they have in the draft's own objects (`http:2` is the
// third route of the drafted VirtualService), while the draft stores its rules relative to its base
// (`http:1` of the base, or no id for a rule the draft adds). An edit sent back from the view is
// translated here, so a draft that added a rule can be edited again without its ids shifting.

import type { DesiredReleaseInput } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { DesiredRelease, DesiredRule } from '../../../shared/mesh/plan/index.ts';
import { draftObjects, releaseIn, releaseOfBase } from './draft-objects.ts';
import type { Draft } from './draft-schema.ts';

/** A condition that compiles: stands in for a rule whose stored match is kept as it is. */
const STAND_IN = [[{ kind: 'header' as const, name: 'x-switchyard-kept-match', op: 'present' as const }]];

/**
 * View rule id → the stored rule it shows. Enabled rules appear in the drafted route in the stored
 * order; disabled ones in the annotation as the planner writes it (still disabled, then newly
 * disabled, each in base order). Undefined when the two do not line up (then ids are base ids).
 */
export function draftRuleIndex(draft: Draft): Map<string, DesiredRule> | undefined {
  const desired = draft.desired;
  const base = releaseOfBase(draft);
  const drafted = releaseIn(draftObjects(draft), draft.namespace, draft.host);
  if (!desired || !base || !drafted) return undefined;
  const enabled = desired.rules.filter((r) => r.enabled);
  const disabledIds = new Set(desired.rules.filter((r) => !r.enabled && r.id).map((r) => r.id));
  const byId = new Map(desired.rules.filter((r) => r.id !== undefined).map((r) => [r.id as string, r]));
  const disabled = [
    ...base.disabledRules.filter((r) => disabledIds.has(r.id)),
    ...base.rules.filter((r) => disabledIds.has(r.id)),
  ].map((r) => byId.get(r.id) as DesiredRule);
  if (drafted.rules.length !== enabled.length || drafted.disabledRules.length !== disabled.length)
    return undefined;
  if (drafted.rules.some((r, i) => r.version !== enabled[i]?.version)) return undefined;
  return new Map([
    ...drafted.rules.map((r, i): [string, DesiredRule] => [r.id, enabled[i] as DesiredRule]),
    ...drafted.disabledRules.map((r, i): [string, DesiredRule] => [r.id, disabled[i] as DesiredRule]),
  ]);
}

export interface BaseInput {
  input: DesiredReleaseInput;
  /** Applies what the translation could not say in the input (matches kept as stored). */
  finish(d: DesiredRelease): DesiredRelease;
}

/** The view's edit as an edit of the base release (what desiredFromInput takes). */
export function inputForBase(draft: Draft, input: DesiredReleaseInput): BaseInput {
  const index = draftRuleIndex(draft);
  if (!index) return { input, finish: (d) => d };
  const kept = new Map<number, DesiredRule>();
  const rules = input.rules.map((r, i) => {
    if (r.id === undefined) return r;
    const stored = index.get(r.id);
    if (!stored)
      throw new ApiFailure(
        'conflict',
        `rule ${i + 1}${r.name ? ` (${r.name})` : ''}: rule '${r.id}' is not in the draft any more; reload it`,
      );
    if (stored.id !== undefined) return { ...r, id: stored.id };
    const { id: _id, ...added } = r;
    if (added.conditions) return added;
    // A rule the draft added, left as it is: its stored match is put back after compiling.
    kept.set(i, stored);
    return { ...added, conditions: STAND_IN };
  });
  return {
    input: { ...input, rules },
    finish: (d) => ({
      ...d,
      rules: d.rules.map((r, i) => {
        const stored = kept.get(i);
        return stored ? { ...r, matches: stored.matches } : r;
      }),
    }),
  };
}
