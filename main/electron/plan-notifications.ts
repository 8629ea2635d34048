import type { EventName, EventPayload } from '../../shared/api/contract.ts';
import { type PlanOutcomeFacts, planNotice } from '../../shared/rollout/step-notice.ts';
import type { AppCore } from '../core/app-core.ts';

/**
 * A desktop notification when a release plan ends (a failed gate with its figures, completion, an
 * abort): the plan runs in main while the window may be hidden, so main tells the operator itself.
 */
export function notifyPlanOutcomes(
  core: Pick<AppCore, 'subscribe'>,
  show: (title: string, body: string) => void,
): () => void {
  const last = new Map<string, PlanOutcomeFacts>();
  return core.subscribe(<E extends EventName>(event: E, payload: EventPayload<E>) => {
    if (event !== 'rollout.steps.changed') return;
    const plan = payload as EventPayload<'rollout.steps.changed'>;
    const key = `${plan.contextId}|${plan.id}`;
    const notice = planNotice(last.get(key), plan);
    last.set(key, plan);
    if (notice) show(notice.title, notice.body);
  });
}
