// Drift: where one service differs across the fleet, per aspect (is it there, its versions, the
// catch-all split, the content rules), in words and as data, so a fleet view can highlight it.
//
// THE RULE: for each aspect the clusters are grouped by equal value. One group: no drift. Else,
// when one group is larger than every other, its value is the fleet's common value and every
// cluster outside it drifts; when the largest groups tie there is no common value and every
// cluster drifts. So the result never depends on the order the clusters are given in, and two
// clusters that differ are both reported.

import type { TrafficSplit } from '../mesh/model/index.ts';
import {
  type ClusterServiceSummary,
  type FleetRuleSummary,
  type FleetService,
  rulesKey,
  rulesWords,
  splitKey,
  splitWords,
  versionsKey,
} from './fleet-model.ts';

export type DriftAspect = 'presence' | 'versions' | 'split' | 'rules';

export const DRIFT_ASPECTS: readonly DriftAspect[] = ['presence', 'versions', 'split', 'rules'];

/** One cluster differing from the others in one aspect. */
export interface DriftItem {
  cluster: string;
  aspect: DriftAspect;
  /** One sentence for the fleet view. */
  words: string;
  /** This cluster's value in words. */
  value: string;
  /** The value most clusters share, in words; absent when the largest groups tie. */
  common?: string;
  /** The clusters that share the common value (absent when there is none). */
  commonClusters?: string[];
  /** versions: versions another cluster has and this one lacks / this one has and another lacks. */
  missingVersions?: string[];
  extraVersions?: string[];
  /** split: this cluster's split and the common one. */
  split?: TrafficSplit | null;
  commonSplit?: TrafficSplit | null;
  /** rules: this cluster's rules and the common ones. */
  rules?: FleetRuleSummary[];
  commonRules?: FleetRuleSummary[];
}

/** How the clusters group for one aspect. */
export interface AspectGroups {
  aspect: DriftAspect;
  /** Clusters with equal values, each group in the service's cluster order, largest group first. */
  groups: string[][];
  /** The group holding the common value; absent when the largest groups tie (or all agree trivially). */
  common?: string[];
}

export interface FleetDrift {
  key: string;
  namespace: string;
  host: string;
  /** Every cluster considered (with the service or without it), in the given order. */
  clusters: string[];
  /** The clusters with at least one drift item, in the given order. */
  drifted: string[];
  /** Per aspect, how the clusters group (presence over all clusters, the rest over those that have the service). */
  aspects: AspectGroups[];
  /** Drift items ordered by aspect, then cluster. */
  items: DriftItem[];
}

function groupBy<T>(members: readonly T[], name: (m: T) => string, key: (m: T) => string): string[][] {
  const groups = new Map<string, string[]>();
  for (const m of members) {
    const k = key(m);
    const g = groups.get(k);
    if (g) g.push(name(m));
    else groups.set(k, [name(m)]);
  }
  // Largest first; equal sizes keep first-seen order only for display, never for the decision.
  return [...groups.values()].sort((a, b) => b.length - a.length);
}

function commonGroup(groups: string[][]): string[] | undefined {
  const [first, second] = groups;
  if (!first) return undefined;
  if (second && second.length === first.length) return undefined;
  return first;
}

const list = (names: readonly string[]) => names.join(', ');

function commonClause(common: { words: string; clusters: string[] } | undefined): string {
  if (!common) return '; no value is shared by more clusters than any other';
  const who = common.clusters.length === 1 ? 'the other cluster' : 'most clusters';
  return `; ${who} (${list(common.clusters)}) ${common.words}`;
}

type ItemData = Omit<DriftItem, 'cluster' | 'aspect' | 'commonClusters'>;

/** The value most clusters share: one summary holding it, and the clusters that do. */
interface Common {
  summary: ClusterServiceSummary;
  clusters: string[];
}

interface AspectSpec {
  aspect: DriftAspect;
  key: (s: ClusterServiceSummary) => string;
  /** The value in full, as shown; clusters with equal keys can still show differently (0% shares, rule names). */
  shown: (s: ClusterServiceSummary) => string;
  item: (s: ClusterServiceSummary, common: Common | undefined, all: ClusterServiceSummary[]) => ItemData;
}

const versionsText = (versions: readonly string[]) =>
  versionsKey(versions).replaceAll(',', ', ') || 'no versions';

function versionsItem(
  s: ClusterServiceSummary,
  common: Common | undefined,
  all: ClusterServiceSummary[],
  host: string,
): ItemData {
  const mine = new Set(s.versions);
  const others = all.filter((o) => o.cluster !== s.cluster);
  const missing = [...new Set(others.flatMap((o) => o.versions))].filter((v) => !mine.has(v)).sort();
  const extra = [...mine].filter((v) => others.some((o) => !o.versions.includes(v))).sort();
  const parts = [
    ...(missing.length ? [`lacks version ${list(missing)}`] : []),
    ...(extra.length ? [`has version ${list(extra)} that another cluster lacks`] : []),
  ];
  return {
    words: `${s.cluster}: ${host} ${parts.join(' and ')}${commonClause(
      common && { words: `have ${versionsText(common.summary.versions)}`, clusters: common.clusters },
    )}`,
    value: versionsText(s.versions),
    ...(common ? { common: versionsText(common.summary.versions) } : {}),
    missingVersions: missing,
    extraVersions: extra,
  };
}

const specs = (host: string): AspectSpec[] => [
  {
    aspect: 'versions',
    key: (s) => versionsKey(s.versions),
    shown: (s) => versionsText(s.versions),
    item: (s, common, all) => versionsItem(s, common, all, host),
  },
  {
    aspect: 'split',
    key: (s) => splitKey(s.split),
    shown: (s) => splitWords(s.split),
    item: (s, common) => ({
      words: `${s.cluster}: ${host}'s catch-all split is ${splitWords(s.split)}${commonClause(
        common && { words: `have ${splitWords(common.summary.split)}`, clusters: common.clusters },
      )}`,
      value: splitWords(s.split),
      ...(common ? { common: splitWords(common.summary.split), commonSplit: common.summary.split } : {}),
      split: s.split,
    }),
  },
  {
    aspect: 'rules',
    key: (s) => rulesKey(s.rules),
    shown: (s) => rulesWords(s.rules),
    item: (s, common) => ({
      words: `${s.cluster}: ${host}'s content rules are ${rulesWords(s.rules)}${commonClause(
        common && { words: `have ${rulesWords(common.summary.rules)}`, clusters: common.clusters },
      )}`,
      value: rulesWords(s.rules),
      ...(common ? { common: rulesWords(common.summary.rules), commonRules: common.summary.rules } : {}),
      rules: s.rules,
    }),
  },
];

/**
 * The summary that stands for the common value: of the common group, the one whose value shows
 * first in sort order (ties show the same). Not the group's first cluster: the group is keyed by
 * value as compared (a 0% share or a rule's name aside), so its first cluster's value as shown
 * would depend on the order the clusters are given in.
 */
function representative(
  summaries: readonly ClusterServiceSummary[],
  group: readonly string[],
  shown: (s: ClusterServiceSummary) => string,
): ClusterServiceSummary | undefined {
  let best: { summary: ClusterServiceSummary; shown: string } | undefined;
  for (const s of summaries) {
    if (!group.includes(s.cluster)) continue;
    const text = shown(s);
    if (!best || text < best.shown) best = { summary: s, shown: text };
  }
  return best?.summary;
}

/** The drift of one service across the fleet (see THE RULE at the top of this file). */
export function fleetDrift(service: FleetService): FleetDrift {
  const items: DriftItem[] = [];
  const aspects: AspectGroups[] = [];
  const order = new Map<string, number>();
  for (const c of service.clusters) order.set(c.cluster, order.size);
  for (const c of service.missingFrom) order.set(c, order.size);
  const inOrder = (names: string[]) => [...names].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));

  // presence: over every cluster given.
  const present = service.clusters.map((c) => c.cluster);
  const presenceGroups = [present, service.missingFrom]
    .filter((g) => g.length)
    .sort((a, b) => b.length - a.length);
  const presenceCommon = commonGroup(presenceGroups);
  aspects.push({
    aspect: 'presence',
    groups: presenceGroups,
    ...(presenceCommon ? { common: presenceCommon } : {}),
  });
  if (presenceGroups.length > 1) {
    const drifting = inOrder(presenceGroups.flat().filter((c) => !presenceCommon?.includes(c)));
    for (const cluster of drifting) {
      const has = present.includes(cluster);
      const others = has ? service.missingFrom : present;
      const verb = others.length === 1 ? 'does' : 'do';
      items.push({
        cluster,
        aspect: 'presence',
        words: has
          ? `${cluster} has ${service.host}; ${list(others)} ${verb} not`
          : `${cluster} does not have ${service.host}; ${list(others)} ${verb}`,
        value: has ? 'present' : 'missing',
        ...(presenceCommon ? { common: has ? 'missing' : 'present', commonClusters: presenceCommon } : {}),
      });
    }
  }

  for (const spec of specs(service.host)) {
    const groups = groupBy(service.clusters, (c) => c.cluster, spec.key).map(inOrder);
    const common = commonGroup(groups);
    aspects.push({ aspect: spec.aspect, groups, ...(common ? { common } : {}) });
    if (groups.length < 2) continue;
    const summary = common && representative(service.clusters, common, spec.shown);
    for (const s of service.clusters) {
      if (common?.includes(s.cluster)) continue;
      const item = spec.item(s, summary && common && { summary, clusters: common }, service.clusters);
      items.push({
        cluster: s.cluster,
        aspect: spec.aspect,
        ...item,
        ...(common ? { commonClusters: common } : {}),
      });
    }
  }
  const drifted = inOrder([...new Set(items.map((i) => i.cluster))]);
  return {
    key: service.key,
    namespace: service.namespace,
    host: service.host,
    clusters: inOrder([...order.keys()]),
    drifted,
    aspects,
    items,
  };
}

/** The drift of every service of the fleet that drifts at all, by key. */
export function fleetDrifts(services: readonly FleetService[]): FleetDrift[] {
  return services.map(fleetDrift).filter((d) => d.items.length > 0);
}
