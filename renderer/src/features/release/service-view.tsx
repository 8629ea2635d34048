import { useCallback, useEffect, useState } from 'react';
import { DRAFT_CONTEXT_PREFIX } from '../../../../shared/api/draft-context.ts';
import type { ApiError } from '../../../../shared/api/errors.ts';
import type { AllTrafficView } from '../../../../shared/api/release-flow-schemas.ts';
import type { ApiClient } from '../../api/api-client.ts';
import type { ApplyStore } from '../../stores/apply-store.ts';
import type { DraftsStore } from '../../stores/drafts-store.ts';
import type { ReleaseStore } from '../../stores/release-store.ts';
import { editChanged, editKey, rulesText, sameRules } from '../../stores/release-store.ts';
import type { WizardStore } from '../../stores/wizard-store.ts';
import { HistoryPanel } from '../history/history-panel.tsx';
import { MetricsPanel } from '../metrics/metrics-panel.tsx';
import { useVersionColors } from '../metrics/use-version-colors.ts';
import { useReleaseTraffic } from '../traffic/use-traffic-figures.ts';
import { ReleaseWizard } from '../wizard/release-wizard.tsx';
import type { AllTrafficKind } from './all-traffic-dialog.tsx';
import { AllTrafficDialog } from './all-traffic-dialog.tsx';
import { MeshModeNotes } from './mesh-mode-notes.tsx';
import { PolicyEditor } from './policy-editor.tsx';
import { VersionCard } from './version-card.tsx';

interface ServiceViewProps {
  api: ApiClient;
  contextId: string;
  releaseId: string;
  releases: ReleaseStore;
  apply: ApplyStore;
  wizard: WizardStore;
  drafts: DraftsStore;
  /** "Open in fleet": this service (namespace, host and the split on its slider) across clusters. */
  onOpenInFleet?: (service: {
    namespace: string;
    host: string;
    split: Array<{ version: string; weight: number }>;
  }) => void;
}

/** One service: its versions, the split editor, content rules, review/apply, cut-over and history. */
export function ServiceView({
  api,
  contextId,
  releaseId,
  releases,
  apply,
  wizard,
  drafts,
  onOpenInFleet,
}: ServiceViewProps) {
  const key = editKey(contextId, releaseId);
  const view = releases((s) => s.views[key]);
  const edit = releases((s) => s.edits[key]);
  const error = releases((s) => s.errors[key]);
  const [confirm, setConfirm] = useState<{ version: string; kind: 'switch' | 'rollback' } | null>(null);
  const [drafting, setDrafting] = useState<{ busy: boolean; error?: ApiError | undefined }>({ busy: false });
  const wizardOpen = wizard((w) => w.panel?.contextId === contextId && w.panel.releaseId === releaseId);
  // Stable across split edits: the charts redraw (and the memoized panels re-render) only when the
  // set of versions changes, not on every pointer move of a slider.
  const versionList = view?.versions.map((v) => v.name).join('\u0000');
  // Colours stay with their version for the whole history (cards, split bar and charts alike).
  const color = useVersionColors(api, contextId, releaseId, versionList);
  const onCutOver = useCallback(
    (version: string, kind: 'switch' | 'rollback') => setConfirm({ version, kind }),
    [],
  );

  const traffic = useReleaseTraffic(api, view);

  useEffect(() => {
    void releases.getState().load(contextId, releaseId);
  }, [contextId, releaseId, releases]);

  if (error && !view) {
    return (
      <section className="panel" aria-label="Service">
        <div role="alert" className="banner banner-error">
          Could not read {releaseId}: {error.message}
        </div>
      </section>
    );
  }
  if (!view || !edit)
    return (
      <section className="panel" aria-busy="true" aria-label="Service">
        Loading {releaseId}…
      </section>
    );

  const s = releases.getState();
  const changed = editChanged(edit);
  const rulesDiffer = edit.conflict !== undefined && !sameRules(edit.rules, edit.conflict.theirsRules);
  const editable = view.editable;
  const canDraft = !contextId.startsWith(DRAFT_CONTEXT_PREFIX);
  const draftAChange = async () => {
    setDrafting({ busy: true });
    setDrafting({ busy: false, error: await drafts.getState().create(contextId, releaseId) });
  };

  /** The confirmed all-traffic change: reviewed by main already, applied right away when its dry-run passed. */
  const runCutOver = async (change: AllTrafficView, kind: AllTrafficKind) => {
    setConfirm(null);
    s.discard(key);
    s.cutOver(key, change.version);
    const title =
      kind === 'rollback' ? `Roll back to ${change.version}` : `Switch all traffic to ${change.version}`;
    apply.getState().openPlan(change.plan, title);
    if (change.plan.steps.every((x) => x.dryRun.ok)) {
      const result = await apply.getState().apply();
      if (result?.ok) releases.getState().markApplied(key);
    }
  };

  return (
    <section className="panel service-view" aria-labelledby="service-heading">
      <div className="panel-head">
        <h2 id="service-heading">
          {view.name}{' '}
          <span className="muted small">
            {view.namespace} · {view.flavor === 'istio' ? 'Istio' : 'Gateway API'}
          </span>
        </h2>
        {changed && (
          <span className="chip chip-warn" role="status">
            Unapplied changes
          </span>
        )}
        {!changed && edit.confirmed && (
          <span className="chip chip-ok" role="status">
            Split confirmed by the cluster
          </span>
        )}
        {edit.awaitingConfirm && <span className="chip">Applied — waiting for the cluster to confirm…</span>}
        {onOpenInFleet && canDraft && (
          <button
            type="button"
            className="secondary"
            title="This service in every cluster of a fleet: drift, and one change for all"
            onClick={() =>
              onOpenInFleet({
                namespace: view.namespace,
                host: view.host,
                split: edit.split.map((v) => ({ version: v.version, weight: v.weight })),
              })
            }
          >
            Open in fleet
          </button>
        )}
        {canDraft && (
          <button
            type="button"
            className="secondary"
            disabled={drafting.busy}
            title="Edit a copy kept on this laptop, and apply it later"
            onClick={() => void draftAChange()}
          >
            Draft a change
          </button>
        )}
      </div>
      {drafting.error && (
        <div role="alert" className="banner banner-error">
          Could not start a draft: {drafting.error.message}
        </div>
      )}
      {!editable && (
        <div role="note" aria-label="Read-only" className="banner banner-warn">
          <strong>Read-only.</strong> {view.readOnlyReasons.join(' ')}
          {view.readOnlyReasons.length === 0 && 'This service cannot be edited here.'}
        </div>
      )}
      <MeshModeNotes lint={view.lint} />
      {edit.conflict && (
        <section role="alert" aria-label="Conflict" className="conflict">
          <h3>The cluster changed while you were editing</h3>
          <div className="two-sides">
            <div>
              <h4>Yours (unapplied)</h4>
              <p>{edit.split.map((v) => `${v.version} ${v.weight}%`).join(', ')}</p>
              {rulesDiffer && <p>Content rules: {rulesText(edit.rules)}</p>}
            </div>
            <div>
              <h4>Theirs (in the cluster now)</h4>
              <p>{edit.conflict.theirs.map((v) => `${v.version} ${v.weight}%`).join(', ')}</p>
              {rulesDiffer && <p>Content rules: {rulesText(edit.conflict.theirsRules)}</p>}
            </div>
          </div>
          <div className="row">
            <button type="button" onClick={() => s.resolve(key, 'mine')}>
              Keep my changes
            </button>
            <button type="button" className="secondary" onClick={() => s.resolve(key, 'theirs')}>
              Take theirs
            </button>
          </div>
        </section>
      )}
      <div className="version-cards">
        {view.versions.map((v) => (
          <VersionCard
            key={v.name}
            version={v}
            color={color(v.name)}
            desiredWeight={edit.split.find((x) => x.version === v.name)?.weight ?? 0}
            isRollbackTarget={view.previousStable === v.name}
            editable={editable}
            traffic={traffic.best}
            routeNow={traffic.estimated}
            onCutOver={onCutOver}
          />
        ))}
      </div>
      {wizardOpen ? (
        <ReleaseWizard
          api={api}
          view={view}
          edit={edit}
          releases={releases}
          apply={apply}
          wizard={wizard}
          color={color}
        />
      ) : (
        <>
          {editable && (
            <div className="row">
              <button
                type="button"
                className="secondary"
                onClick={() => wizard.getState().openFor(contextId, releaseId)}
              >
                New grayscale release
              </button>
            </div>
          )}
          <PolicyEditor
            api={api}
            contextId={contextId}
            view={view}
            edit={edit}
            releases={releases}
            apply={apply}
            color={color}
          />
        </>
      )}
      {/* Below the editor: its charts and verdicts change as traffic comes in, and must not push the
          sliders down while the operator drags them (they stay in view at 1440×900). */}
      {!view.snapshotAt && (
        <MetricsPanel api={api} contextId={contextId} releaseId={releaseId} view={view} color={color} />
      )}
      <HistoryPanel
        api={api}
        apply={apply}
        contextId={contextId}
        releaseId={releaseId}
        title={`History of ${view.name}`}
      />
      {confirm && (
        <AllTrafficDialog
          api={api}
          view={view}
          version={confirm.version}
          kind={confirm.kind}
          onConfirm={(change) => void runCutOver(change, confirm.kind)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </section>
  );
}
