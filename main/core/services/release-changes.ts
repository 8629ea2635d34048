// The console's changes to a cluster, each planned, stored for review and applied by id: an edit
// of a release, "all traffic to one version", Undo of a History entry, and plans made elsewhere
// (an applied draft). Every change goes through the same review, dry-run and apply engine.

import type { PlanView } from '../../../shared/api/console-schemas.ts';
import type { CallRequest, CallResponse } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { planRelease, summarizeChange } from '../../../shared/mesh/plan/index.ts';
import { planUndoFor } from '../views/history-views.ts';
import { applyResultView } from '../views/plan-views.ts';
import type { ObjectLookup } from '../views/release-views.ts';
import { noReadyPodReason } from '../views/version-readiness.ts';
import { allTrafficShares, planAllTraffic } from './all-traffic-change.ts';
import { cacheLookup } from './cache-lookup.ts';
import type { StoredPlan } from './console-plans.ts';
import type { ConsoleServices, ExternalPlan } from './console-services.ts';
import { refuseReadOnly } from './console-services.ts';
import { desiredFromInput } from './desired-release-input.ts';
import { DEMO_SAMPLE_SIZE } from './sample-traffic.ts';

export async function planEdit(
  s: ConsoleServices,
  { contextId, releaseId, desired, workflowId }: CallRequest<'release.plan'>,
): Promise<PlanView> {
  const session = await s.ready(contextId);
  refuseReadOnly(contextId, session);
  const release = s.releaseOf(session, releaseId);
  prepareProxies(s, contextId, releaseId);
  const objects = s.sourceObjects(session, release);
  const plan = planRelease(release, desiredFromInput(release, desired, s.engine), objects);
  const split = desired.split.map((x) => `${x.version} ${x.weight}%`).join(', ');
  const description = `${release.host}: ${split}${desired.rules.length ? `; ${desired.rules.filter((r) => r.enabled).length} rule(s)` : ''}`;
  const workflow = workflowId
    ? { id: workflowId, split: desired.split.map((x) => ({ version: x.version, weight: x.weight })) }
    : undefined;
  const stored = s.plans.store({
    contextId,
    releaseId,
    plan,
    kind: 'change',
    description,
    ...(workflow ? { workflow } : {}),
  });
  const summary =
    plan.steps.length === 0
      ? 'Nothing to change: the cluster already has this.'
      : `${plan.steps.length} step(s) on ${release.host}`;
  return s.plans.view(session, stored, summary);
}

/**
 * A review opens: the whole mesh's proxy status is read now if it is getting old, while the
 * operator reviews, so the read the apply waits for is of a few namespaces (not awaited).
 */
function prepareProxies(s: ConsoleServices, contextId: string, releaseId: string): void {
  void s.proxies.prepare(contextId, releaseId);
}

// Async so an unknown plan is a rejection, as callers of a handler expect, never a synchronous throw.
export async function applyPlan(s: ConsoleServices, planId: string): Promise<CallResponse<'release.apply'>> {
  return applyStoredPlan(s, s.plans.find(planId));
}

/** Applies a plan, whether taken from the console's store or held by its owner (a fleet release). */
export async function applyStoredPlan(
  s: ConsoleServices,
  stored: StoredPlan,
): Promise<CallResponse<'release.apply'>> {
  const { planId } = stored;
  const session = await s.ready(stored.contextId);
  // What the proxies have before the write: the change is in effect where a newer push is acknowledged.
  // Read while who applies (for the history) is looked up in the kubeconfig contexts: both are
  // awaited before anything is written, neither waits for the other.
  const [user] = await Promise.all([
    s.sessions.user(stored.contextId),
    s.proxies.markChange(stored.contextId, stored.releaseId),
  ]);
  s.plans.forget(planId);
  const result = await s.plans.engineFor(session).apply({
    plan: stored.plan,
    context: stored.contextId,
    user,
    objects: s.plans.currentObjects(session, stored.plan),
    kind: stored.kind,
    description: stored.description,
    ...(stored.undoOf ? { undoOf: stored.undoOf } : {}),
    onProgress: (e) => s.events.progress(planId, e),
  });
  session.releases?.flush();
  if (result.ok) await s.announce(result.historyId);
  if (result.ok && stored.onApplied) await stored.onApplied(result.historyId);
  if (result.ok && stored.workflow)
    await s.rollouts.recordRouted(
      stored.contextId,
      stored.workflow.id,
      stored.workflow.split,
      result.historyId,
    );
  return applyResultView(planId, result);
}

export async function planUndo(s: ConsoleServices, entryId: string): Promise<PlanView> {
  const entry = await s.history.get(entryId);
  if (!entry) throw new ApiFailure('not-found', `no history entry '${entryId}'`);
  const session = await s.ready(entry.context);
  prepareProxies(s, entry.context, entry.releaseId);
  const plan = await planUndoFor(entry, session);
  const stored = s.plans.store({
    contextId: entry.context,
    releaseId: entry.releaseId,
    plan,
    kind: 'undo',
    undoOf: entry.id,
    description: `undo: ${entry.description}`,
  });
  const what = summarizeChange(entry.steps) || entry.description;
  return s.plans.view(session, stored, `Undo “${what}” (${plan.steps.length} step(s))`);
}

export async function planAllTrafficChange(
  s: ConsoleServices,
  req: CallRequest<'release.allTraffic'>,
): Promise<CallResponse<'release.allTraffic'>> {
  const session = await s.ready(req.contextId);
  refuseReadOnly(req.contextId, session);
  const release = s.releaseOf(session, req.releaseId);
  refuseWithoutReadyPods(release, req.version, cacheLookup(session.cache!));
  prepareProxies(s, req.contextId, req.releaseId);
  const objects = s.sourceObjects(session, release);
  const change = planAllTraffic(release, objects, req);
  const stored = s.plans.store({
    contextId: req.contextId,
    releaseId: req.releaseId,
    plan: change.plan,
    kind: 'change',
    description: change.description,
  });
  return {
    purpose: req.purpose,
    version: req.version,
    rules: change.edit.rules,
    untouched: change.edit.untouched,
    drained: change.edit.drained,
    mirrors: change.edit.mirrors,
    ...(change.restores ? { restores: change.restores } : {}),
    plan: await s.plans.view(session, stored, change.summary),
    traffic: allTrafficShares(
      release,
      change,
      objects,
      await s.demoRequests(),
      s.engine,
      `estimated by routing ${DEMO_SAMPLE_SIZE.toLocaleString('en-US')} requests of the demo visitor population through the route`,
    ),
  };
}

/**
 * All of a service's traffic to a version with no ready pod would fail every request (503): that
 * is refused, naming the version's pods, before anything is planned.
 */
export function refuseWithoutReadyPods(release: ServiceRelease, version: string, lookup: ObjectLookup): void {
  const why = noReadyPodReason(release, version, lookup);
  if (!why) return;
  throw new ApiFailure(
    'invalid-request',
    `cannot send all traffic to ${version}: it ${why}, so every request would fail (503); scale it up or wait for its rollout first`,
  );
}

/** Stores a plan made elsewhere (an applied draft) for `release.apply` and answers its review. */
export async function reviewExternalPlan(s: ConsoleServices, p: ExternalPlan): Promise<PlanView> {
  const session = await s.ready(p.contextId);
  refuseReadOnly(p.contextId, session);
  const stored = s.plans.store({
    contextId: p.contextId,
    releaseId: p.releaseId,
    plan: p.plan,
    kind: 'change',
    description: p.description,
    ...(p.onApplied ? { onApplied: p.onApplied } : {}),
  });
  return s.plans.view(session, stored, p.summary);
}
