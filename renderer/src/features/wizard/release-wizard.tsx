import { useState } from 'react';
import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import type { ApiClient } from '../../api/api-client.ts';
import type { ApplyStore } from '../../stores/apply-store.ts';
import type { ReleaseEdit, ReleaseStore } from '../../stores/release-store.ts';
import { editChanged } from '../../stores/release-store.ts';
import type { WizardStep, WizardStore } from '../../stores/wizard-store.ts';
import { isFinished, STEP_TITLES, stepOf, WIZARD_STEPS, wizardKey } from '../../stores/wizard-store.ts';
import { PolicyEditor } from '../release/policy-editor.tsx';
import { useReleaseTraffic } from '../traffic/use-traffic-figures.ts';
import { AbortDialog } from './abort-dialog.tsx';
import { CreateStep } from './create-step.tsx';
import { PromoteStep } from './promote-step.tsx';
import { StepPlanPanel } from './step-plan-panel.tsx';
import { DoneStep, FinalizeStep, ObserveStep, RolloutStep } from './wizard-steps.tsx';

interface ReleaseWizardProps {
  api: ApiClient;
  view: ReleaseView;
  edit: ReleaseEdit;
  releases: ReleaseStore;
  apply: ApplyStore;
  wizard: WizardStore;
  color: (version: string) => string;
}

/** A whole grayscale release as a stepper; every step but the last can abort it. */
export function ReleaseWizard({ api, view, edit, releases, apply, wizard, color }: ReleaseWizardProps) {
  const traffic = useReleaseTraffic(api, view);
  const panel = wizard((s) => s.panel);
  const release = wizard((s) =>
    s.panel?.id ? s.releases[wizardKey(s.panel.contextId, s.panel.id)] : undefined,
  );
  const error = wizard((s) => s.error);
  const [aborting, setAborting] = useState(false);
  const step: WizardStep = stepOf(release, panel?.chosen);
  const at = WIZARD_STEPS.indexOf(step);
  const title = release ? `Grayscale release of ${release.canary.version}` : 'New grayscale release';

  return (
    <section className="wizard" aria-label={`Grayscale release of ${view.name}`}>
      <div className="panel-head">
        <h3>
          {title} <span className="muted small">into {view.name}</span>
        </h3>
        {step !== 'done' && (
          <button type="button" className="secondary danger" onClick={() => setAborting(true)}>
            Abort release
          </button>
        )}
      </div>
      <ol className="stepper" aria-label="Release steps">
        {WIZARD_STEPS.filter((s) => s !== 'done').map((s, i) => (
          <li
            key={s}
            aria-current={s === step ? 'step' : undefined}
            className={i < at ? 'step-done' : s === step ? 'step-current' : undefined}
          >
            {i + 1}. {STEP_TITLES[s]}
            {i < at ? ' ✓' : ''}
          </li>
        ))}
      </ol>
      {release?.backendService?.endpointsReady && (
        <ul className="muted small" aria-label="Release timeline">
          <li>{release.backendService.endpointsReady}</li>
        </ul>
      )}
      {error && (
        <div role="alert" className="banner banner-error">
          {error.message}{' '}
          <button type="button" className="secondary" onClick={() => wizard.getState().dismissError()}>
            Dismiss
          </button>
        </div>
      )}
      {release?.lastError && !release.running && !isFinished(release.phase) && (
        <div role="alert" className="banner banner-error">
          The last step failed: {release.lastError}
        </div>
      )}
      <section className="wizard-step" aria-labelledby="wizard-step-title">
        <h4 id="wizard-step-title">{STEP_TITLES[step]}</h4>
        {step === 'create' && <CreateStep view={view} wizard={wizard} />}
        {release && step === 'rollout' && <RolloutStep release={release} wizard={wizard} />}
        {release && step === 'policy' && (
          <>
            <p className="muted">
              Give {release.canary.version} a share of the split, or route chosen requests to it with content
              rules. Review the change, apply it, and wait for the cluster to confirm it.
            </p>
            <PolicyEditor
              api={api}
              contextId={view.contextId}
              view={view}
              edit={edit}
              releases={releases}
              apply={apply}
              color={color}
              workflowId={release.id}
            />
            <div className="row">
              {!editChanged(edit) && edit.confirmed && (
                <span className="chip chip-ok" role="status">
                  Split confirmed by the cluster
                </span>
              )}
              <button
                type="button"
                disabled={editChanged(edit)}
                onClick={() => wizard.getState().choose('observe')}
              >
                Next: observe
              </button>
            </div>
          </>
        )}
        {release && step === 'observe' && (
          <>
            <ObserveStep release={release} view={view} wizard={wizard} traffic={traffic.best} />
            <StepPlanPanel api={api} release={release} />
          </>
        )}
        {release && step === 'promote' && <PromoteStep release={release} view={view} wizard={wizard} />}
        {release && step === 'finalize' && (
          <FinalizeStep release={release} view={view} wizard={wizard} releases={releases} apply={apply} />
        )}
        {release && step === 'done' && (
          <DoneStep release={release} view={view} wizard={wizard} apply={apply} />
        )}
      </section>
      {aborting && (
        <AbortDialog
          version={release?.canary.version ?? 'the new version'}
          stable={release?.stable.version ?? ''}
          created={release !== undefined}
          onCancel={() => setAborting(false)}
          onConfirm={(scaleToZero) => {
            setAborting(false);
            if (release) void wizard.getState().abort(scaleToZero);
            else wizard.getState().close();
          }}
        />
      )}
    </section>
  );
}
