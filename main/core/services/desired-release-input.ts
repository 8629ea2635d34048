import type { DesiredReleaseInput } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { HTTPMatchRequest, RegexEngine, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { DesiredRelease, DesiredRule } from '../../../shared/mesh/plan/index.ts';
import { desiredOf, requireRuleTarget, setSplit } from '../../../shared/mesh/plan/index.ts';
import type { Condition } from '../../../shared/mesh/policy/index.ts';
import { compileRule } from '../../../shared/mesh/policy/index.ts';
import { withMirrorAndSticky } from './mirror-sticky-input.ts';

// The console sends the whole desired state (split + ordered rules); the routing core plans
// minimal changes from it. Rules the operator edited or moved are planned as removed and re-added,
// since the planner keeps existing rules only in their original order and with their original match.

function compileAlternatives(
  conditions: Condition[][],
  engine: RegexEngine,
  where: string,
): HTTPMatchRequest[] {
  const matches: HTTPMatchRequest[] = [];
  for (const [i, alternative] of conditions.entries()) {
    if (alternative.length === 0) {
      throw new ApiFailure(
        'invalid-request',
        `${where}: alternative ${i + 1} has no condition (a rule needs at least one)`,
      );
    }
    try {
      matches.push(...compileRule(alternative, engine));
    } catch (err) {
      throw new ApiFailure('invalid-request', `${where}: ${(err as Error).message}`);
    }
  }
  if (matches.length === 0)
    throw new ApiFailure('invalid-request', `${where}: a rule needs at least one condition`);
  return matches;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function desiredFromInput(
  release: ServiceRelease,
  input: DesiredReleaseInput,
  engine: RegexEngine,
): DesiredRelease {
  if (!release.editable) {
    throw new ApiFailure('forbidden', `${release.host} is read-only: ${release.readOnlyReasons.join('; ')}`);
  }
  const known = new Set(release.versions.map((v) => v.name));
  for (const s of input.split) {
    if (!known.has(s.version)) {
      throw new ApiFailure(
        'invalid-request',
        `split: unknown version '${s.version}' (known: ${[...known].join(', ')})`,
      );
    }
  }
  let desired = desiredOf(release);
  const current = new Map(desired.split.map((s) => [s.version, s.weight]));
  const splitChanged =
    input.split.length > 0 && input.split.some((s) => (current.get(s.version) ?? 0) !== s.weight);
  if (splitChanged) {
    desired = setSplit(desired, input.split);
  }

  const existing = new Map(desired.rules.map((r) => [r.id, r]));
  const indexOf = new Map(release.rules.map((r) => [r.id, r.index]));
  let lastKeptIndex = -1;
  const rules: DesiredRule[] = input.rules.map((r, i) => {
    const where = `rule ${i + 1}${r.name ? ` (${r.name})` : ''}`;
    if (!known.has(r.version)) {
      throw new ApiFailure(
        'invalid-request',
        `${where}: unknown version '${r.version}' (known: ${[...known].join(', ')})`,
      );
    }
    const before = r.id !== undefined ? existing.get(r.id) : undefined;
    if (r.id !== undefined && !before) {
      throw new ApiFailure(
        'conflict',
        `${where}: rule '${r.id}' is no longer in the route; reload the service`,
      );
    }
    const matches = r.conditions
      ? compileAlternatives(r.conditions as Condition[][], engine, where)
      : (before?.matches ?? []);
    const name = r.name !== undefined && r.name !== '' ? { name: r.name } : {};
    const given = {
      ...(r.timeout !== undefined ? { timeout: r.timeout } : {}),
      ...(r.retries !== undefined ? { retries: r.retries } : {}),
    };
    const settings = Object.keys(given).length > 0 ? { settings: given } : {};
    // A rule that starts sending requests somewhere (new, retargeted or enabled again) needs a
    // target that can take them: not a subset its DestinationRule lacks, nor a removed version.
    if (r.enabled && (!before || before.version !== r.version || !before.enabled))
      requireRuleTarget(desired, r.version, where);
    if (!before) {
      if (matches.length === 0)
        throw new ApiFailure('invalid-request', `${where}: a new rule needs conditions`);
      return { ...name, matches, version: r.version, enabled: r.enabled, ...settings };
    }
    const unchanged =
      same(matches, before.matches) &&
      r.version === before.version &&
      (r.name ?? before.name) === before.name;
    const index = indexOf.get(before.id ?? '');
    const inOrder = index === undefined || !r.enabled || index > lastKeptIndex;
    if (r.enabled && index !== undefined && unchanged && inOrder) lastKeptIndex = index;
    if ((unchanged && inOrder) || (!r.enabled && before.enabled === false && unchanged)) {
      return { ...before, enabled: r.enabled };
    }
    // Disabling keeps the rule (and its id) so the planner can store it in the annotation.
    if (!r.enabled && before.enabled && unchanged) return { ...before, enabled: false };
    return { ...name, matches, version: r.version, enabled: r.enabled, ...settings };
  });
  return withMirrorAndSticky({ ...desired, rules }, input);
}
