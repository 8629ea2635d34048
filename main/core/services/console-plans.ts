// Plans between review and apply: each is stored under a random id when the operator reviews it
// (with its dry-run), and taken once when they apply it, through an apply engine over the session.
// The store keeps the newest 50; a plan that must outlive other reviews (a fleet release's, applied
// wave by wave) is made here but held by its owner.

import { randomBytes } from 'node:crypto';
import type { LintFindingView, PlanView } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject, ServiceRelease, TrafficSplit } from '../../../shared/mesh/model/index.ts';
import { createApplyEngine } from '../apply/apply-engine.ts';
import type { AnyPlan, EngineStep } from '../apply/apply-types.ts';
import { targetKey } from '../apply/apply-types.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { HistoryKind } from '../history/history-types.ts';
import { createKubeApi } from '../kube-api.ts';
import { planStepViews } from '../views/plan-views.ts';
import type { ObjectLookup } from '../views/release-views.ts';
import { cacheLookup, refOf } from './cache-lookup.ts';
import { confirmingVerify } from './confirming-verify.ts';

export interface StoredPlan {
  planId: string;
  contextId: string;
  releaseId: string;
  plan: AnyPlan;
  kind: HistoryKind;
  description: string;
  undoOf?: string;
  createdAt: number;
  /** The wizard's release this change belongs to, and the split it sets. */
  workflow?: { id: string; split: TrafficSplit };
  /** Runs after a successful apply (a draft marks itself applied). */
  onApplied?: (historyId: string | undefined) => Promise<void>;
}

export interface ConsolePlansDependencies {
  history: HistoryStore;
  lint: (release: ServiceRelease, lookup: ObjectLookup) => LintFindingView[];
  /** Apply engine timing (tests shorten these). */
  pauseMs?: number | undefined;
  verifyTimeoutMs?: number | undefined;
}

const PLAN_LIMIT = 50;

export function createConsolePlans(deps: ConsolePlansDependencies) {
  const plans = new Map<string, StoredPlan>();

  function engineFor(session: ClusterSession) {
    const { client, cache } = session;
    if (!client || !cache)
      throw new ApiFailure('unavailable', `context ${session.contextName} is not connected`);
    return createApplyEngine({
      api: createKubeApi(client),
      history: deps.history,
      ...(deps.pauseMs !== undefined ? { pauseMs: deps.pauseMs } : {}),
      ...(deps.verifyTimeoutMs !== undefined ? { verifyTimeoutMs: deps.verifyTimeoutMs } : {}),
      verify: confirmingVerify(cache),
      // A confirmed write is announced at once (release index recomputed, release.changed sent),
      // not at the index's next coalescing tick, and before the history line is written.
      onConfirmed: () => session.releases?.flush(),
      // The console's changes are reviewed with their dry-run (release.plan) before Apply; for a
      // one-patch plan a second dry-run would only add a round trip (the write is all-or-nothing).
      skipDryRunOfReviewedSingleStep: true,
    });
  }

  /** The cluster's current copies of the objects a plan touches. */
  function currentObjects(session: ClusterSession, plan: AnyPlan): KubeObject[] {
    const out = new Map<string, KubeObject>();
    for (const step of plan.steps) {
      const ref = refOf(step.target);
      const o = ref ? session.cache?.find(ref) : undefined;
      if (o) out.set(targetKey(step.target), o);
    }
    return [...out.values()];
  }

  /**
   * A plan with its id, not kept here: for a caller that holds it itself (a fleet release keeps its
   * clusters' plans in its own record, as the shared store would evict them during a long run).
   */
  function make(p: Omit<StoredPlan, 'planId' | 'createdAt'>): StoredPlan {
    return { ...p, planId: `plan-${randomBytes(6).toString('hex')}`, createdAt: Date.now() };
  }

  function store(p: Omit<StoredPlan, 'planId' | 'createdAt'>): StoredPlan {
    const stored = make(p);
    plans.set(stored.planId, stored);
    while (plans.size > PLAN_LIMIT) plans.delete(plans.keys().next().value as string);
    return stored;
  }

  /** A stored plan, or a clear 'not-found'. */
  function find(planId: string): StoredPlan {
    const stored = plans.get(planId);
    if (!stored)
      throw new ApiFailure('not-found', `plan '${planId}' is unknown or expired: review the changes again`);
    return stored;
  }

  /** A plan applies once: it is forgotten as its apply starts. */
  function forget(planId: string): void {
    plans.delete(planId);
  }

  /** The review of a stored plan: each step's before/after and its dry-run, and the release's lint. */
  async function view(session: ClusterSession, stored: StoredPlan, summary: string): Promise<PlanView> {
    const objects = currentObjects(session, stored.plan);
    const dry =
      stored.plan.steps.length === 0
        ? { ok: true as const, steps: [] }
        : await engineFor(session).dryRun(stored.plan, objects);
    const byKey = new Map(
      objects.map((o) => [
        targetKey({
          apiVersion: o.apiVersion,
          kind: o.kind,
          namespace: o.metadata.namespace || 'default',
          name: o.metadata.name,
        }),
        o,
      ]),
    );
    const release = session.releases?.get(stored.releaseId);
    return {
      planId: stored.planId,
      contextId: stored.contextId,
      releaseId: stored.releaseId,
      summary: dry.ok ? summary : `${summary} — the dry-run failed: ${dry.error.message}`,
      steps: planStepViews(
        stored.plan.steps as EngineStep[],
        dry,
        (s) => byKey.get(targetKey(s.target)) ?? null,
      ),
      lint: release ? deps.lint(release, cacheLookup(session.cache!)) : [],
    };
  }

  return { engineFor, currentObjects, make, store, find, forget, view };
}
