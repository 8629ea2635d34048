// One cluster of a fleet change: its session opened (an unreachable cluster answers with why, within
// a bound, never blocking the others), the service found by namespace and host, the change planned
// with release.plan's machinery (planRelease over the live objects) and stored for review with its
// dry-run (held by the fleet's plan, then its run, until applied), and the preflight outcome the
// wave planner reads.

import type { PlanView } from '../../../shared/api/console-schemas.ts';
import type { FleetChangeInput } from '../../../shared/api/fleet-schemas.ts';
import type { PreflightOutcome } from '../../../shared/fleet/index.ts';
import type { ServiceRelease, TrafficSplit } from '../../../shared/mesh/model/index.ts';
import { desiredOf, planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import type { AnyPlan } from '../apply/apply-types.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { StoredPlan } from '../services/console-plans.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import { sessionFacts } from '../services/console-services.ts';
import type { FleetDraft } from './fleet-draft.ts';

/** A change of the catch-all split given as such (not a draft's). */
export type SplitChange = Exclude<FleetChangeInput, { kind: 'draft' }>;

export interface FleetTarget {
  namespace: string;
  host: string;
  change: FleetChangeInput;
  /** The opened draft, when the change is one. */
  draft?: FleetDraft;
}

/** What a cluster's preflight found, and when ready the stored plan and what its gate compares. */
export interface ClusterPreflight {
  contextId: string;
  outcome: PreflightOutcome;
  releaseId?: string;
  plan?: PlanView;
  /**
   * That plan as the apply takes it, held here rather than in the console's plan store: the store
   * keeps only the newest reviews, and a run's later waves may apply it long after others were made.
   */
  stored?: StoredPlan;
  /** The version the change sends more traffic to, and the one it is judged against. */
  canaryVersion?: string;
  stableVersion?: string;
}

export const OPEN_TIMEOUT_MS = 20_000;

/** The change in words: `split v1 50%, v2 50%`, `cut-over to v2`, `rollback to v1`, `draft “…”: v1 50%, v2 50%`. */
export function changeWords(change: FleetChangeInput, draft?: FleetDraft): string {
  if (change.kind === 'draft')
    return draft ? `draft “${draft.name}”: ${draft.words}` : `draft ${change.draftId}`;
  if (change.kind === 'split')
    return `split ${change.split.map((s) => `${s.version} ${s.weight}%`).join(', ')}`;
  return change.kind === 'cutover' ? `cut-over to ${change.version}` : `rollback to ${change.version}`;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The synced session of a context, opening it when needed; a string says why it cannot be had. */
export async function reachSession(
  s: ConsoleServices,
  contextId: string,
  timeoutMs = OPEN_TIMEOUT_MS,
): Promise<ClusterSession | string> {
  try {
    let open = true;
    try {
      s.sessions.session(contextId);
    } catch {
      open = false;
    }
    if (!open) {
      const summary = await withTimeout(s.sessions.open(contextId), timeoutMs, contextId);
      if (summary.status === 'error') return summary.statusReason ?? 'the session could not connect';
    }
    return await withTimeout(s.ready(contextId), timeoutMs, contextId);
  } catch (err) {
    return (err as Error).message;
  }
}

/** The cluster's release of namespace/host (the smaller id when a route of each flavour has it). */
export function findRelease(
  session: ClusterSession,
  namespace: string,
  host: string,
): ServiceRelease | undefined {
  const found = (session.releases?.releases() ?? []).filter(
    (r) => r.namespace === namespace && r.host === host,
  );
  return found.sort((a, b) => (a.id < b.id ? -1 : 1))[0];
}

/** The catch-all split the change asks of this release. */
export function wantedSplit(release: ServiceRelease, change: SplitChange): TrafficSplit {
  if (change.kind === 'split') return change.split.map((x) => ({ version: x.version, weight: x.weight }));
  const inRoute = (release.defaultRoute?.destinations ?? []).map((d) => d.version);
  const versions = inRoute.includes(change.version) ? inRoute : [...inRoute, change.version];
  return versions.map((version) => ({ version, weight: version === change.version ? 100 : 0 }));
}

/** The version the change gives more traffic to, and the stable one it is judged against (the largest share now). */
export function gateVersions(
  release: ServiceRelease,
  wanted: TrafficSplit,
): { canary: string; stable: string | undefined } {
  const now = new Map((release.defaultRoute?.destinations ?? []).map((d) => [d.version, d.weight]));
  const rises = wanted
    .map((w) => ({ version: w.version, rise: w.weight - (now.get(w.version) ?? 0), weight: w.weight }))
    .sort((a, b) => b.rise - a.rise || b.weight - a.weight);
  const canary = rises[0]?.version ?? wanted[0]?.version ?? '';
  const stable = [...now.entries()].filter(([v]) => v !== canary).sort((a, b) => b[1] - a[1])[0]?.[0];
  return { canary, stable };
}

function missingVersions(release: ServiceRelease, change: SplitChange): string[] {
  const known = new Set(release.versions.map((v) => v.name));
  const asked =
    change.kind === 'split'
      ? change.split.filter((x) => x.weight > 0).map((x) => x.version)
      : [change.version];
  return asked.filter((v) => !known.has(v));
}

type Planned = { plan: AnyPlan; wanted: TrafficSplit | undefined } | { outcome: PreflightOutcome };

/**
 * The cluster's plan: a split planned with release.plan's planner, or a draft three-way merged with
 * this cluster's live objects (a live change overlapping the draft's is this cluster's conflict).
 */
async function planIn(
  s: ConsoleServices,
  contextId: string,
  session: ClusterSession,
  release: ServiceRelease,
  target: FleetTarget,
): Promise<Planned> {
  const { change, draft } = target;
  if (change.kind === 'draft') {
    if (!draft) throw new Error(`draft ${change.draftId} was not opened for the fleet`);
    const merged = await draft.planIn(contextId, release.id);
    if ('conflict' in merged) return { outcome: { kind: 'conflict', reason: merged.conflict } };
    return { plan: merged.plan, wanted: draft.split };
  }
  const missing = missingVersions(release, change);
  if (missing.length) return { outcome: { kind: 'version-missing', versions: missing } };
  const wanted = wantedSplit(release, change);
  try {
    return {
      plan: planRelease(release, setSplit(desiredOf(release), wanted), s.sourceObjects(session, release)),
      wanted,
    };
  } catch (err) {
    return { outcome: { kind: 'conflict', reason: (err as Error).message } };
  }
}

/** Preflights one cluster and, when it can take the change, stores its plan for review. */
export async function preflightCluster(
  s: ConsoleServices,
  contextId: string,
  target: FleetTarget,
  description: string,
): Promise<ClusterPreflight> {
  const reached = await reachSession(s, contextId);
  if (typeof reached === 'string') return { contextId, outcome: { kind: 'unreachable', reason: reached } };
  const session = reached;
  const readOnly = sessionFacts(contextId, session).readOnlyReason;
  if (readOnly) return { contextId, outcome: { kind: 'read-only', reason: readOnly } };
  const release = findRelease(session, target.namespace, target.host);
  if (!release) return { contextId, outcome: { kind: 'service-missing', host: target.host } };
  const releaseId = release.id;
  if (!release.editable)
    return {
      contextId,
      releaseId,
      outcome: { kind: 'read-only', reason: release.readOnlyReasons.join('; ') },
    };
  const planned = await planIn(s, contextId, session, release, target);
  if ('outcome' in planned) return { contextId, releaseId, outcome: planned.outcome };
  const { plan, wanted } = planned;
  const stored = s.plans.make({ contextId, releaseId, plan, kind: 'change', description });
  const summary =
    plan.steps.length === 0
      ? `Nothing to change: ${contextId} already has this.`
      : `${plan.steps.length} step(s) on ${release.host} in ${contextId}`;
  const view = await s.plans.view(session, stored, summary);
  const failed = view.steps.find((st) => !st.dryRun.ok);
  if (failed) {
    const reason = `the dry-run of “${failed.description}” failed: ${failed.dryRun.message ?? 'no reason given'}`;
    return { contextId, releaseId, outcome: { kind: 'conflict', reason } };
  }
  if (!wanted) return { contextId, releaseId, outcome: { kind: 'ready' }, plan: view, stored };
  const { canary, stable } = gateVersions(release, wanted);
  return {
    contextId,
    releaseId,
    outcome: { kind: 'ready' },
    plan: view,
    stored,
    canaryVersion: canary,
    ...(stable ? { stableVersion: stable } : {}),
  };
}
