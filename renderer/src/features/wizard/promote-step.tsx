import { useState } from 'react';
import type { ReleaseView, RolloutPlanView } from '../../../../shared/api/console-schemas.ts';
import type { WizardStore } from '../../stores/wizard-store.ts';
import { type OtherRulesChoice, OtherRulesChoiceField } from '../release/other-rules-choice.tsx';
import { ConfirmDialog } from '../shell/confirm-dialog.tsx';
import { HealthCard, useReleaseHealth } from './health-card.tsx';

/**
 * Promote: all traffic to the new version. The verdict against the stable version comes first; when
 * it is not "healthy" the operator must say explicitly that they promote anyway. Content rules that
 * send requests to other versions are disabled, retargeted or kept, as they choose.
 */
export function PromoteStep({
  release,
  view,
  wizard,
}: {
  release: RolloutPlanView;
  view: ReleaseView;
  wizard: WizardStore;
}) {
  const [confirm, setConfirm] = useState(false);
  const [override, setOverride] = useState(false);
  const [rules, setRules] = useState<OtherRulesChoice>('disable');
  const busy = wizard((s) => s.busy);
  const health = useReleaseHealth(release, wizard);
  const v = release.canary.version;
  const healthy = health?.status === 'healthy';
  const elsewhere = view.rules.filter((r) => r.enabled && r.version !== v);
  const ruleWords = {
    disable: `disabled (kept in the route, can be re-enabled)`,
    retarget: `sent to ${v} too`,
    keep: 'kept: their requests still reach their versions',
  }[rules];
  const names = elsewhere.map((r) => `${r.name ?? r.id} (${r.version})`).join(', ');
  return (
    <div>
      <p>
        Promoting sends all traffic to {v}: 100% of the split, and the content rules that send requests to
        other versions are handled as you choose below. {release.stable.version} keeps its pods until you
        finalize, so you can still roll back.
      </p>
      <HealthCard release={release} health={health} />
      {health && !healthy && (
        <label className="banner banner-warn">
          <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} /> Promote{' '}
          {v} anyway, although it is not known to be healthy
        </label>
      )}
      {elsewhere.length > 0 && (
        <OtherRulesChoiceField
          name="promote-rules"
          legend={`Content rules that send requests to other versions: ${names}`}
          version={v}
          value={rules}
          onChange={setRules}
        />
      )}
      <div className="row">
        <button type="button" className="secondary" onClick={() => wizard.getState().choose('observe')}>
          Back to observe
        </button>
        <button
          type="button"
          disabled={busy || !health || (!healthy && !override)}
          onClick={() => setConfirm(true)}
        >
          Promote {v}
        </button>
      </div>
      {confirm && (
        <ConfirmDialog
          title={`Promote ${v}?`}
          body={`${v} gets 100% of the split and every other version 0%.${elsewhere.length ? ` Rules ${names}: ${ruleWords}.` : ''}${rules === 'keep' && elsewhere.length ? ' Those requests still reach the other versions.' : ''}${healthy ? '' : ` ${v} is not known to be healthy (${health?.summary ?? 'no verdict'}); you chose to promote it anyway.`} This is applied to the cluster right away and recorded in History.`}
          confirmLabel={`Promote ${v}`}
          onConfirm={() => {
            setConfirm(false);
            void wizard.getState().promote({ override: !healthy && override, rules });
          }}
          onCancel={() => setConfirm(false)}
        />
      )}
    </div>
  );
}
