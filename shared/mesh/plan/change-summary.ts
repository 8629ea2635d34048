// A recorded change in words, from the objects before and after it: "v3 10% → 100% (switch all
// traffic)", "added rule header:x-canary=always → v3", "declared subset v4". The history shows
// these instead of the raw desired split, so an entry reads as the action it was.

import type { HTTPMatchRequest, KubeObject, ServiceRelease, TrafficSplit } from '../model/index.ts';
import { isPlainObject, stickyRuleVersion } from '../model/index.ts';
import { describeMatches, formatCondition } from '../policy/index.ts';
import { readReleases } from '../read/index.ts';
import { mirrorStickyPhrases } from './mirror-sticky-summary.ts';

export interface ChangeStep {
  target: { kind: string; namespace: string; name: string };
  /** null: the change created the object. */
  before: KubeObject | null;
  /** null: the change deleted the object. */
  after: KubeObject | null;
}

const ROUTE_KINDS = new Set(['VirtualService', 'HTTPRoute']);

function releaseOf(o: KubeObject): ServiceRelease | undefined {
  try {
    return readReleases([o])[0];
  } catch {
    return undefined;
  }
}

/** "v3 10% → 100% (switch all traffic)", or each version whose share moved. */
export function splitPhrase(
  before: Readonly<TrafficSplit>,
  after: Readonly<TrafficSplit>,
): string | undefined {
  const was = new Map(before.map((d) => [d.version, d.weight]));
  const now = new Map(after.map((d) => [d.version, d.weight]));
  const names = [...now.keys(), ...[...was.keys()].filter((v) => !now.has(v))];
  const moved = names.filter((v) => (was.get(v) ?? 0) !== (now.get(v) ?? 0));
  if (moved.length === 0) return undefined;
  const arrow = (v: string) => `${v} ${was.get(v) ?? 0}% → ${now.get(v) ?? 0}%`;
  const all = moved.find((v) => now.get(v) === 100);
  if (all !== undefined) return `${arrow(all)} (switch all traffic)`;
  // Gains first, so "v3 10% → 20%, v1 90% → 80%" reads as what was done to whom.
  const gain = (v: string) => (now.get(v) ?? 0) - (was.get(v) ?? 0);
  return [...moved]
    .sort((a, b) => gain(b) - gain(a))
    .map(arrow)
    .join(', ');
}

function conditionsWords(matches: readonly HTTPMatchRequest[]): string {
  let described: ReturnType<typeof describeMatches> = null;
  try {
    described = describeMatches(matches);
  } catch {
    described = null;
  }
  if (!described) return 'a hand-written match';
  if (described.length === 0) return 'every request';
  return described.map((alt) => alt.map(formatCondition).join(' and ')).join(' or ');
}

interface RuleLike {
  name?: string | undefined;
  version: string;
  matches: readonly HTTPMatchRequest[];
}

const ruleWords = (r: RuleLike) =>
  `rule ${r.name ? `'${r.name}' ` : ''}${conditionsWords(r.matches)} → ${r.version}`;
const signature = (r: RuleLike) => JSON.stringify([r.name ?? null, r.version, r.matches]);

function rulesOf(release: ServiceRelease): { enabled: RuleLike[]; disabled: RuleLike[] } {
  return {
    enabled: release.rules
      .filter((r) => stickyRuleVersion(r.name) === undefined)
      .map((r) => ({ name: r.name, version: r.version, matches: r.matches })),
    disabled: release.disabledRules.map((r) => ({
      name: r.name,
      version: r.version,
      matches: (Array.isArray(r.route.match) ? r.route.match : []) as HTTPMatchRequest[],
    })),
  };
}

/** Rules added, removed, changed, disabled, enabled or reordered. */
export function rulePhrases(before: ServiceRelease, after: ServiceRelease): string[] {
  const b = rulesOf(before);
  const a = rulesOf(after);
  const bSigs = b.enabled.map(signature);
  const aSigs = a.enabled.map(signature);
  const out: string[] = [];
  const removed = b.enabled.filter((r) => !aSigs.includes(signature(r)));
  const added = a.enabled.filter((r) => !bSigs.includes(signature(r)));
  const nowDisabled = new Set(a.disabled.map(signature));
  const wasDisabled = new Set(b.disabled.map(signature));
  for (const r of removed) {
    const sameName = r.name ? added.find((x) => x.name === r.name) : undefined;
    if (sameName) {
      out.push(`changed ${ruleWords(r)} to ${conditionsWords(sameName.matches)} → ${sameName.version}`);
      added.splice(added.indexOf(sameName), 1);
    } else if (nowDisabled.has(signature(r))) out.push(`disabled ${ruleWords(r)}`);
    else out.push(`removed ${ruleWords(r)}`);
  }
  for (const r of added) out.push(`${wasDisabled.has(signature(r)) ? 'enabled' : 'added'} ${ruleWords(r)}`);
  if (out.length === 0) {
    const kept = bSigs.filter((s) => aSigs.includes(s));
    const keptAfter = aSigs.filter((s) => bSigs.includes(s));
    if (kept.join('\n') !== keptAfter.join('\n')) out.push('reordered the rules');
  }
  return out;
}

function subsetNames(dr: KubeObject | null): string[] {
  const subsets = isPlainObject(dr?.spec) ? (dr.spec as { subsets?: unknown }).subsets : undefined;
  return Array.isArray(subsets)
    ? subsets.filter((s) => isPlainObject(s) && typeof s.name === 'string').map((s) => String(s.name))
    : [];
}

function replicasOf(o: KubeObject | null): number | undefined {
  const r = isPlainObject(o?.spec) ? (o.spec as { replicas?: unknown }).replicas : undefined;
  return typeof r === 'number' ? r : undefined;
}

function stepPhrases(s: ChangeStep): string[] {
  const what = `${s.target.kind} ${s.target.name}`;
  if (!s.before && !s.after) return [];
  if (s.target.kind === 'Deployment') {
    if (!s.before)
      return [
        `created ${what}${replicasOf(s.after) !== undefined ? ` (${replicasOf(s.after)} replicas)` : ''}`,
      ];
    if (!s.after) return [`deleted ${what}`];
    const rb = replicasOf(s.before);
    const ra = replicasOf(s.after);
    if (rb !== ra) return [`scaled ${s.target.name} ${rb ?? 1} → ${ra ?? 1} replicas`];
    return [`changed ${what}`];
  }
  if (s.target.kind === 'DestinationRule') {
    if (!s.before) return [`created ${what}`];
    if (!s.after) return [`deleted ${what}`];
    const was = subsetNames(s.before);
    const now = subsetNames(s.after);
    const out = [
      ...now.filter((n) => !was.includes(n)).map((n) => `declared subset ${n}`),
      ...was.filter((n) => !now.includes(n)).map((n) => `removed subset ${n}`),
    ];
    return out.length ? out : [`changed ${what}`];
  }
  if (ROUTE_KINDS.has(s.target.kind)) {
    if (!s.before) return [`created ${what}`];
    if (!s.after) return [`deleted ${what}`];
    const b = releaseOf(s.before);
    const a = releaseOf(s.after);
    if (!b || !a) return [`changed ${what}`];
    const out: string[] = [];
    const split = splitPhrase(b.defaultRoute?.destinations ?? [], a.defaultRoute?.destinations ?? []);
    if (split) out.push(split);
    out.push(...rulePhrases(b, a), ...mirrorStickyPhrases(b, a));
    return out.length ? out : [`changed ${what}`];
  }
  if (!s.before) return [`created ${what}`];
  if (!s.after) return [`deleted ${what}`];
  return [`changed ${what}`];
}

/** The change in words, its parts joined by "; " (empty when the steps changed nothing). */
export function summarizeChange(steps: readonly ChangeStep[]): string {
  const parts: string[] = [];
  for (const s of steps) for (const p of stepPhrases(s)) if (!parts.includes(p)) parts.push(p);
  return parts.join('; ');
}

/** What an undo entry says: what it undid, and what that did to the objects now. */
export function undoSummary(undone: string, own: string): string {
  return own ? `Undid “${undone}”: ${own}` : `Undid “${undone}”`;
}
