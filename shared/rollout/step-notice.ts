// What to tell the operator when a release plan ends: a failed gate (with its figures and whether
// the route is back), completion, or an abort. One wording for the desktop notification and the
// page's own, and said once per outcome, not on every later update of the same plan.

interface GateFigure {
  status: 'pass' | 'fail' | 'no-data';
  text: string;
}

/** The part of a plan's view the notice reads (StepPlanView has it). */
export interface PlanOutcomeFacts {
  canary: string;
  releaseId: string;
  outcome?: {
    kind: 'completed' | 'failed' | 'aborted';
    at: string;
    reason: string;
    failed?: GateFigure[];
    restored?: boolean;
  };
}

export interface PlanNotice {
  tone: 'ok' | 'error' | 'info';
  title: string;
  body: string;
}

const serviceOf = (releaseId: string) => releaseId.replace(/^[a-z-]+:[^/]*\//, '').split('.')[0] ?? releaseId;

/** The notice for a plan whose outcome is new since `before`; undefined when there is nothing new to say. */
export function planNotice(
  before: PlanOutcomeFacts | undefined,
  after: PlanOutcomeFacts,
): PlanNotice | undefined {
  const o = after.outcome;
  if (!o) return undefined;
  if (before?.outcome && before.outcome.kind === o.kind && before.outcome.at === o.at) return undefined;
  const service = serviceOf(after.releaseId);
  if (o.kind === 'completed')
    return { tone: 'ok', title: `${service}: ${after.canary} takes all traffic`, body: o.reason };
  if (o.kind === 'aborted')
    return {
      tone: 'info',
      title: `${service}: release plan of ${after.canary} aborted`,
      body: `${o.reason}${o.restored ? ' The route is back as it was before the plan.' : ''}`,
    };
  const gates = (o.failed ?? []).filter((g) => g.status === 'fail').map((g) => g.text);
  return {
    tone: 'error',
    title: `${service}: a gate stopped ${after.canary}`,
    body: `${gates.length ? gates.join('; ') : o.reason}.${o.restored ? ' The route is back as it was before the plan.' : ' The route could not be restored: check it now.'}`,
  };
}
