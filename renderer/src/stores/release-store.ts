import { create } from 'zustand';
import type { ConditionView, DesiredReleaseInput, ReleaseView } from '../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { VersionWeight } from '../../../shared/mesh/model/index.ts';
import {
  allWeightTo,
  blockedReason,
  evenSplit,
  setLocked,
  setWeight,
  stickyRuleVersion,
} from '../../../shared/mesh/model/index.ts';
import type { ApiClient } from '../api/api-client.ts';
import type { MirrorStickyEdit } from './mirror-sticky-edit.ts';
import { extrasChanged, extrasInput, extrasLanded } from './mirror-sticky-edit.ts';

/** One content rule as the operator edits it. `conditions` null: hand-written, kept as it is. */
export interface RuleEdit {
  key: string;
  id?: string;
  name?: string;
  version: string;
  enabled: boolean;
  conditions: ConditionView[][] | null;
  matchYaml?: string;
  /** The conditions were changed here (so main compiles them instead of keeping the match). */
  edited: boolean;
  /** A new rule's timeout as typed: empty inherits the catch-all's, "none" gives it none. */
  timeout?: string;
  /** A new rule's retry attempts: undefined inherits the catch-all's, 0 gives it none. */
  retryAttempts?: number | undefined;
}

/** The timeout and retries a new rule asks for; what it leaves out it inherits from the catch-all. */
function ruleSettings(r: RuleEdit): Pick<DesiredReleaseInput['rules'][number], 'timeout' | 'retries'> {
  if (r.id !== undefined) return {};
  const timeout = r.timeout === 'none' ? null : r.timeout ? r.timeout : undefined;
  const attempts = r.retryAttempts;
  const retries =
    attempts === undefined || Number.isNaN(attempts) ? undefined : attempts === 0 ? null : { attempts };
  return {
    ...(timeout !== undefined ? { timeout } : {}),
    ...(retries !== undefined ? { retries } : {}),
  };
}

/** The cluster changed under an unapplied edit: both sides, until the operator decides. */
export interface EditConflict {
  theirs: VersionWeight[];
  theirsRules: RuleEdit[];
}

export interface ReleaseEdit {
  base: VersionWeight[];
  baseRules: RuleEdit[];
  split: VersionWeight[];
  rules: RuleEdit[];
  notice?: string;
  conflict?: EditConflict;
  /** Applied; the view updates only when the cluster's own event confirms it. */
  awaitingConfirm?: boolean;
  /** The last apply was confirmed by the cluster (shown until the next edit). */
  confirmed?: boolean;
  /** Mirror and sticky changes (mirror-sticky-edit.ts); absent: as the cluster has them. */
  extras?: MirrorStickyEdit;
}

export const editKey = (contextId: string, releaseId: string) => `${contextId}|${releaseId}`;

let nextKey = 1;
const newKey = () => `r${nextKey++}`;

/** The split as the cluster has it; a version that cannot take traffic carries the reason. */
export function splitOf(view: ReleaseView): VersionWeight[] {
  return view.versions.map((v) => {
    const blocked = blockedReason({ ...v, flavor: view.flavor });
    return blocked ? { version: v.name, weight: v.weight, blocked } : { version: v.name, weight: v.weight };
  });
}

/** An edit's split with each version's routability as the latest view says (pods come and go). */
function withRoutability(split: VersionWeight[], view: ReleaseView): VersionWeight[] {
  const now = new Map(splitOf(view).map((v) => [v.version, v.blocked]));
  if (split.every((v) => v.blocked === now.get(v.version))) return split;
  return split.map((v) => {
    const { blocked: _was, ...rest } = v;
    const blocked = now.get(v.version);
    return blocked ? { ...rest, blocked } : rest;
  });
}

export function rulesOf(view: ReleaseView): RuleEdit[] {
  return view.rules.map((r) => ({
    key: `${view.releaseId}:${r.id}`,
    id: r.id,
    ...(r.name !== undefined ? { name: r.name } : {}),
    version: r.version,
    enabled: r.enabled,
    conditions: r.conditions,
    matchYaml: r.matchYaml,
    edited: false,
  }));
}

/** The same weight for every version, in any order: a route's backendRefs reordered by hand split traffic the same way. */
const sameSplit = (a: readonly VersionWeight[], b: readonly VersionWeight[]) =>
  a.length === b.length && a.every((x) => b.some((y) => y.version === x.version && y.weight === x.weight));

const ruleShape = (rules: readonly RuleEdit[]) =>
  JSON.stringify(
    rules.map((r) => [
      r.id ?? null,
      r.name ?? null,
      r.version,
      r.enabled,
      r.edited ? r.conditions : null,
      ruleSettings(r),
    ]),
  );

/**
 * Whether the operator's rules are what the cluster now has, compared by what they route, not by
 * id (a rule the operator added has no id until applied) nor by a name the operator left for the
 * planner to give (a new rule is named from its version and conditions as it is written).
 */
function rulesLanded(mine: readonly RuleEdit[], theirs: readonly RuleEdit[]): boolean {
  const a = mine.filter((r) => r.enabled);
  const b = theirs.filter((r) => r.enabled);
  return (
    a.length === b.length &&
    a.every((r, i) => r.version === b[i]?.version && (!r.name || r.name === b[i]?.name))
  );
}

/** Whether two lists of content rules would route alike (same order, versions, states and conditions). */
export const sameRules = (a: readonly RuleEdit[], b: readonly RuleEdit[]) => ruleShape(a) === ruleShape(b);

/** Content rules in a line, for the conflict card: `name → version`, in route order. */
export function rulesText(rules: readonly RuleEdit[]): string {
  if (rules.length === 0) return 'none';
  return rules
    .map((r) => `${r.name ?? r.id ?? 'new rule'} → ${r.version}${r.enabled ? '' : ' (disabled)'}`)
    .join(', ');
}

export function editChanged(d: ReleaseEdit | undefined): boolean {
  if (!d) return false;
  return (
    !sameSplit(d.base, d.split) || ruleShape(d.baseRules) !== ruleShape(d.rules) || extrasChanged(d.extras)
  );
}

export function desiredInput(d: ReleaseEdit): DesiredReleaseInput {
  return {
    split: d.split.map((v) => ({ version: v.version, weight: v.weight })),
    rules: d.rules.map((r) => ({
      ...(r.id !== undefined ? { id: r.id } : {}),
      ...(r.name ? { name: r.name } : {}),
      version: r.version,
      enabled: r.enabled,
      ...(r.edited && r.conditions ? { conditions: r.conditions } : {}),
      ...ruleSettings(r),
    })),
    ...extrasInput(d.extras),
  };
}

interface ReleaseState {
  views: Record<string, ReleaseView>;
  edits: Record<string, ReleaseEdit>;
  errors: Record<string, ApiError>;
  load(contextId: string, releaseId: string): Promise<void>;
  received(view: ReleaseView): void;
  edit(key: string, change: (d: ReleaseEdit) => Partial<ReleaseEdit>): void;
  move(key: string, version: string, weight: number): void;
  lock(key: string, version: string, locked: boolean): void;
  even(key: string): void;
  cutOver(key: string, version: string): void;
  discard(key: string): void;
  /** Resolves a conflict: keep the operator's edit on top of theirs, or take theirs. */
  resolve(key: string, keep: 'mine' | 'theirs'): void;
  markApplied(key: string): void;
  addRule(key: string, version: string): void;
  updateRule(key: string, ruleKey: string, change: Partial<RuleEdit>): void;
  removeRule(key: string, ruleKey: string): void;
  moveRule(key: string, ruleKey: string, by: -1 | 1): void;
}

/** Service views from main, and the operator's local unapplied edits of each (per cluster). */
export function createReleaseStore(api: ApiClient) {
  const store = create<ReleaseState>()((set, get) => {
    const edit = (key: string, change: (d: ReleaseEdit) => Partial<ReleaseEdit>) =>
      set((s) => {
        const d = s.edits[key];
        return d ? { edits: { ...s.edits, [key]: { ...d, confirmed: false, ...change(d) } } } : {};
      });
    return {
      views: {},
      edits: {},
      errors: {},
      async load(contextId, releaseId) {
        const result = await api.call('release.get', { contextId, releaseId });
        if (result.ok) get().received(result.value);
        else set((s) => ({ errors: { ...s.errors, [editKey(contextId, releaseId)]: result.error } }));
      },
      received(view) {
        const key = editKey(view.contextId, view.releaseId);
        set((s) => {
          const split = splitOf(view);
          const rules = rulesOf(view);
          const d = s.edits[key];
          let draft: ReleaseEdit;
          // An edit of the mirror or sticky option alone has the view's split and rules: it has
          // landed only once the view has those options too, not at the next view (metrics, pods).
          const landed =
            d !== undefined &&
            editChanged(d) &&
            sameSplit(d.split, split) &&
            rulesLanded(d.rules, rules) &&
            extrasLanded(view, d.extras);
          if (!d || !editChanged(d) || d.awaitingConfirm || landed) {
            const locked = (v: VersionWeight) =>
              d?.split.find((x) => x.version === v.version)?.locked ?? false;
            draft = {
              base: split,
              baseRules: rules,
              split: split.map((v) => ({ ...v, locked: locked(v) })),
              rules,
              confirmed: d?.awaitingConfirm === true || landed || (d?.confirmed === true && !editChanged(d)),
            };
          } else if (sameSplit(d.base, split) && ruleShape(d.baseRules) === ruleShape(rules)) {
            const routed = withRoutability(d.split, view);
            draft = routed === d.split ? d : { ...d, split: routed };
          } else {
            draft = {
              ...d,
              split: withRoutability(d.split, view),
              conflict: { theirs: split, theirsRules: rules },
            };
          }
          const { [key]: _gone, ...errors } = s.errors;
          return { views: { ...s.views, [key]: view }, edits: { ...s.edits, [key]: draft }, errors };
        });
      },
      edit,
      move: (key, version, weight) =>
        edit(key, (d) => {
          const change = setWeight(d.split, version, weight);
          return { split: change.weights, notice: change.message };
        }),
      lock: (key, version, locked) => edit(key, (d) => ({ split: setLocked(d.split, version, locked) })),
      even: (key) => edit(key, (d) => ({ split: evenSplit(d.split), notice: undefined })),
      cutOver: (key, version) =>
        edit(key, (d) => {
          const r = allWeightTo(d.split, version);
          return {
            split: r.weights,
            notice: r.released.length ? `unlocked ${r.released.join(', ')}` : undefined,
          };
        }),
      discard: (key) =>
        edit(key, (d) => ({
          split: d.base.map((v) => ({ ...v })),
          rules: d.baseRules,
          notice: undefined,
          conflict: undefined,
          extras: undefined,
        })),
      resolve: (key, keep) =>
        edit(key, (d) => {
          if (!d.conflict) return {};
          const theirs = d.conflict.theirs;
          if (keep === 'theirs')
            return {
              base: theirs,
              baseRules: d.conflict.theirsRules,
              split: theirs.map((v) => ({ ...v })),
              rules: d.conflict.theirsRules,
              conflict: undefined,
            };
          // Keep mine: the edit now applies on top of what the cluster has. Content rules are
          // mine only if theirs did not change: rules are known by their place in the route, so
          // mine over a changed list would remove or retarget theirs (someone's new rule, say).
          const known = new Set(theirs.map((v) => v.version));
          const theirRules = d.conflict.theirsRules;
          const theirRulesChanged = ruleShape(d.baseRules) !== ruleShape(theirRules);
          const myRulesChanged = ruleShape(d.rules) !== ruleShape(d.baseRules);
          return {
            base: theirs,
            baseRules: theirRules,
            split: d.split.filter((v) => known.has(v.version)),
            rules: theirRulesChanged ? theirRules : d.rules,
            conflict: undefined,
            notice:
              theirRulesChanged && myRulesChanged
                ? 'your weights are kept; your content rule changes are not, as the cluster’s rules changed too: make them again'
                : undefined,
          };
        }),
      markApplied: (key) =>
        edit(key, (d) =>
          editChanged(d) ? { awaitingConfirm: true, confirmed: false } : { confirmed: d.confirmed ?? false },
        ),
      addRule: (key, version) =>
        edit(key, (d) => {
          const rule: RuleEdit = {
            key: newKey(),
            version,
            enabled: true,
            conditions: [[{ kind: 'header', name: 'x-canary', op: 'exact', value: 'true' }]],
            edited: true,
          };
          // Before the sticky rules, where the planner puts it: the list shows the route's order.
          const at = d.rules.findIndex((r) => stickyRuleVersion(r.name) !== undefined);
          return {
            rules: at < 0 ? [...d.rules, rule] : [...d.rules.slice(0, at), rule, ...d.rules.slice(at)],
          };
        }),
      updateRule: (key, ruleKey, change) =>
        edit(key, (d) => ({ rules: d.rules.map((r) => (r.key === ruleKey ? { ...r, ...change } : r)) })),
      removeRule: (key, ruleKey) => edit(key, (d) => ({ rules: d.rules.filter((r) => r.key !== ruleKey) })),
      moveRule: (key, ruleKey, by) =>
        edit(key, (d) => {
          const i = d.rules.findIndex((r) => r.key === ruleKey);
          const j = i + by;
          if (i < 0 || j < 0 || j >= d.rules.length) return {};
          const rules = [...d.rules];
          [rules[i], rules[j]] = [rules[j]!, rules[i]!];
          return { rules };
        }),
    };
  });
  api.on('release.changed', (view) => {
    if (store.getState().views[editKey(view.contextId, view.releaseId)]) store.getState().received(view);
  });
  return store;
}

export type ReleaseStore = ReturnType<typeof createReleaseStore>;
