import { useEffect } from 'react';
import type { RolloutPlanView } from '../../../../shared/api/console-schemas.ts';
import type { ApiClient } from '../../api/api-client.ts';
import { stepPlanStoreFor } from '../../stores/step-plan-store.ts';
import { wizardKey } from '../../stores/wizard-store.ts';
import { StepPlanEditor } from './step-plan-editor.tsx';
import { StepPlanTimeline } from './step-plan-timeline.tsx';

/** Automatic promotion of the rollout's canary, step by step with gates: a new plan, or the running one. */
export function StepPlanPanel({ api, release }: { api: ApiClient; release: RolloutPlanView }) {
  const store = stepPlanStoreFor(api);
  const key = wizardKey(release.contextId, release.id);
  const plan = store((s) => s.plans[key]);
  const busy = store((s) => s.busy);
  const error = store((s) => s.error);
  useEffect(() => {
    void store.getState().load(release.contextId, release.id);
  }, [store, release.contextId, release.id]);
  return (
    <section aria-labelledby="step-plan-title" className="panel">
      <h4 id="step-plan-title">Promote step by step</h4>
      {error && (
        <div role="alert" className="banner banner-error">
          {error.message}{' '}
          <button type="button" className="secondary" onClick={() => store.getState().dismissError()}>
            Dismiss
          </button>
        </div>
      )}
      {plan && !(plan.state === 'failed' || plan.state === 'aborted') ? (
        <StepPlanTimeline plan={plan} store={store} />
      ) : (
        <>
          {plan && <StepPlanTimeline plan={plan} store={store} />}
          <StepPlanEditor
            canary={release.canary.version}
            stable={release.stable.version}
            busy={busy}
            onStart={(p) => {
              if ('Notification' in globalThis && Notification.permission === 'default')
                void Notification.requestPermission().catch(() => {});
              void store.getState().start(release.contextId, release.id, p);
            }}
          />
        </>
      )}
    </section>
  );
}
