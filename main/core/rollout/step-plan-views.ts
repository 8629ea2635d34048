import type { StepPlanView } from '../../../shared/api/step-plan-schemas.ts';
import type { StepPlanRecord } from './step-plan-store.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** What the renderer is sent of a plan: its steps, where it stands, its hold, gates and outcome. */
export function stepPlanView(r: StepPlanRecord, watching: boolean): StepPlanView {
  const step = r.plan.steps[r.progress.current];
  const held = r.progress.holdStartedAt;
  const holding =
    held !== undefined &&
    (step?.kind === 'weight' || step?.kind === 'mirror') &&
    r.progress.appliedStep === r.progress.current;
  return {
    contextId: r.contextId,
    id: r.id,
    releaseId: r.serviceReleaseId,
    canary: r.canary,
    stable: r.stable,
    steps: r.plan.steps,
    state: r.progress.state,
    currentStep: r.progress.current,
    ...(r.progress.appliedStep !== undefined ? { appliedStep: r.progress.appliedStep } : {}),
    ...(r.progress.mirrorOn !== undefined ? { mirrorOn: r.progress.mirrorOn } : {}),
    ...(holding ? { holdStartedAt: iso(held), holdEndsAt: iso(held + step.holdSeconds * 1000) } : {}),
    ...(r.waiting !== undefined ? { waiting: r.waiting } : {}),
    ...(r.proxies !== undefined ? { proxies: r.proxies } : {}),
    ...(r.split ? { split: r.split } : {}),
    before: {
      split: r.before.split,
      rules: r.before.rules.length,
      ...(r.before.mirror !== undefined ? { mirror: r.before.mirror } : {}),
    },
    ...(r.gates ? { gates: { ...r.gates, at: iso(r.gates.at) } } : {}),
    ...(r.outcome ? { outcome: { ...r.outcome, at: iso(r.outcome.at) } } : {}),
    historyIds: r.historyIds,
    watching,
    startedAt: iso(r.startedAt),
    updatedAt: iso(r.updatedAt),
    ...(r.lastError !== undefined ? { lastError: r.lastError } : {}),
  };
}
