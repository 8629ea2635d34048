import { useState } from 'react';
import type { ReleaseView, RolloutPlanView } from '../../../../shared/api/console-schemas.ts';
import type { ApplyStore } from '../../stores/apply-store.ts';
import type { ReleaseStore } from '../../stores/release-store.ts';
import { desiredInput, editKey } from '../../stores/release-store.ts';
import type { WizardStore } from '../../stores/wizard-store.ts';
import { CLUSTER_PHASES } from '../../stores/wizard-store.ts';
import type { TrafficFigures } from '../traffic/traffic-figures.ts';
import { HealthCard, useReleaseHealth } from './health-card.tsx';

/** "; others: v1 3%" for versions besides the pair that still receive requests, and what reaches none. */
function describeOthers(traffic: TrafficFigures, pair: readonly string[]): string {
  const rest = Object.entries(traffic.percent).filter(([v, p]) => !pair.includes(v) && p > 0);
  const others = rest.length ? `; others: ${rest.map(([v, p]) => `${v} ${p}%`).join(', ')}` : '';
  return traffic.unrouted > 0 ? `${others}; reaching no version: ${traffic.unrouted}%` : others;
}

const splitText = (view: ReleaseView) =>
  view.versions
    .filter((v) => v.weight > 0)
    .map((v) => `${v.name} ${v.weight}%`)
    .join(', ');

export function RolloutStep({ release, wizard }: { release: RolloutPlanView; wizard: WizardStore }) {
  const r = release.rollout;
  const replicas = r?.replicas ?? release.canary.replicas;
  const stopped = !release.running && CLUSTER_PHASES.includes(release.phase);
  const phaseWords: Record<string, string> = {
    creating: `Creating Deployment ${release.canary.deployment}…`,
    'rolling-out': `Waiting for ${release.canary.version}'s pods to be ready…`,
    'adding-subset': release.backendService
      ? `Creating Service ${release.backendService.service}, waiting for its endpoints, then adding it to the route at weight 0…`
      : `Declaring the subset ${release.canary.version} in the DestinationRule…`,
  };
  return (
    <div>
      <p aria-live="polite">{phaseWords[release.phase] ?? release.phase}</p>
      <div
        role="progressbar"
        aria-label={`Rollout progress of ${release.canary.version}`}
        aria-valuemin={0}
        aria-valuemax={replicas}
        aria-valuenow={Math.min(r?.ready ?? 0, replicas)}
        aria-valuetext={r?.message ?? 'waiting for the first status'}
        className="rollout-bar"
      >
        <div style={{ width: `${replicas ? (100 * Math.min(r?.ready ?? 0, replicas)) / replicas : 0}%` }} />
      </div>
      <p className="muted small">
        {r ? r.message : 'waiting for the first status'}
        {r?.reason ? ` — ${r.reason}` : ''}
      </p>
      {stopped && (
        <div className="row">
          <span>This step stopped (the app was closed, or it failed). It carries on from where it was.</span>
          <button type="button" onClick={() => void wizard.getState().resume(release.contextId, release.id)}>
            Resume release
          </button>
        </div>
      )}
    </div>
  );
}

export function ObserveStep({
  release,
  view,
  wizard,
  traffic,
}: {
  release: RolloutPlanView;
  view: ReleaseView;
  wizard: WizardStore;
  /** The share of requests each version really gets (measured, else estimated). */
  traffic?: TrafficFigures | undefined;
}) {
  const canary = view.versions.find((v) => v.name === release.canary.version);
  const rules = view.rules.filter((r) => r.enabled && r.version === release.canary.version);
  const health = useReleaseHealth(release, wizard);
  return (
    <div>
      <p role="status" aria-label="Split in the cluster">
        In the cluster now: {splitText(view) || 'no weighted route'}
        {rules.length > 0
          ? `; ${rules.length} content rule(s) send requests to ${release.canary.version}`
          : ''}
        .
      </p>
      {traffic && (
        <p role="status" aria-label="Share of requests" title={traffic.basis}>
          Share of requests ({traffic.source}): {release.canary.version}{' '}
          {traffic.percent[release.canary.version] ?? 0}%, {release.stable.version}{' '}
          {traffic.percent[release.stable.version] ?? 0}%
          {describeOthers(traffic, [release.canary.version, release.stable.version])}.
        </p>
      )}
      {canary && (
        <p>
          {canary.name}: {canary.podsReady}/{canary.podsTotal} pods ready, {canary.restarts} restart(s)
          {canary.restarts > 0 ? ' — check its logs before promoting' : ''}.
        </p>
      )}
      <HealthCard release={release} health={health} />
      <p className="muted">
        Watch {release.canary.version} against {release.stable.version} here and in the live charts; when it
        looks healthy, promote it.
      </p>
      <div className="row">
        <button type="button" className="secondary" onClick={() => wizard.getState().choose('policy')}>
          Change the policy
        </button>
        <button type="button" onClick={() => wizard.getState().choose('promote')}>
          Next: promote
        </button>
      </div>
    </div>
  );
}

export function FinalizeStep({
  release,
  view,
  wizard,
  releases,
  apply,
}: {
  release: RolloutPlanView;
  view: ReleaseView;
  wizard: WizardStore;
  releases: ReleaseStore;
  apply: ApplyStore;
}) {
  const [mode, setMode] = useState<'scale-to-zero' | 'delete'>('scale-to-zero');
  const busy = wizard((s) => s.busy);
  const old = release.stable.version;
  const v = release.canary.version;
  const pinned = view.rules.filter((r) => r.enabled && r.version === old);
  const share = view.versions.find((x) => x.name === old)?.weight ?? 0;
  const moveRules = () => {
    const key = editKey(release.contextId, release.releaseId);
    const s = releases.getState();
    s.discard(key);
    for (const r of s.edits[key]?.rules ?? [])
      if (r.version === old) releases.getState().updateRule(key, r.key, { version: v });
    const d = releases.getState().edits[key];
    if (d)
      void apply
        .getState()
        .plan(
          release.contextId,
          release.releaseId,
          desiredInput(d),
          `Move rules of ${old} to ${v}`,
          release.id,
        );
  };
  const reviewFinalize = async () => {
    const plan = await wizard.getState().finalize(mode);
    if (plan) apply.getState().openPlan(plan, `Finalize the release of ${v}`);
  };
  return (
    <div>
      {share > 0 && (
        <p className="lint-warning">
          {old} still receives {share}% of the split: cut over first.
        </p>
      )}
      {pinned.length > 0 && (
        <div className="banner banner-warn" role="note" aria-label="Rules of the old version">
          {pinned.length} content rule(s) still send requests to {old}:{' '}
          {pinned.map((r) => r.name ?? r.id).join(', ')}. Move them to {v} before finalizing.{' '}
          <button type="button" onClick={moveRules}>
            Move rules of {old} to {v}
          </button>
        </div>
      )}
      <fieldset className="finalize-mode">
        <legend>What happens to {old}</legend>
        <label>
          <input
            type="radio"
            name="finalize-mode"
            checked={mode === 'scale-to-zero'}
            onChange={() => setMode('scale-to-zero')}
          />{' '}
          Scale {old} to zero (keeps the Deployment for a quick roll back)
        </label>
        <label>
          <input
            type="radio"
            name="finalize-mode"
            checked={mode === 'delete'}
            onChange={() => setMode('delete')}
          />{' '}
          Delete {old}'s Deployment
        </label>
      </fieldset>
      <p className="muted small">
        {release.backendService
          ? `The backendRef ${old} is removed from the HTTPRoute either way; its Service stays until you delete it after finalizing.`
          : `The subset ${old} is removed from the route and the DestinationRule either way.`}{' '}
        You review the change (diff and dry-run) before it is applied.
      </p>
      <div className="row">
        <button
          type="button"
          disabled={busy || pinned.length > 0 || share > 0}
          onClick={() => void reviewFinalize()}
        >
          {busy ? 'Planning…' : 'Review finalize'}
        </button>
      </div>
    </div>
  );
}

/** After a Gateway API finalize: the old backend Service is offered for deletion, reviewed first. */
function OldServiceOffer({
  release,
  wizard,
  apply,
}: {
  release: RolloutPlanView;
  wizard: WizardStore;
  apply: ApplyStore;
}) {
  const b = release.backendService;
  if (!b || release.phase !== 'finalized') return null;
  if (b.stableServiceDeleted)
    return <p role="status">Service {b.stableService} of the old version was deleted.</p>;
  const review = async () => {
    const plan = await wizard.getState().deleteOldService();
    if (plan) apply.getState().openPlan(plan, `Delete Service ${b.stableService}`);
  };
  return (
    <fieldset className="row" aria-label="Old version's Service">
      <span>Service {b.stableService} no longer receives requests from the route. Delete it?</span>
      <button type="button" className="secondary" onClick={() => void review()}>
        Review deleting Service {b.stableService}
      </button>
    </fieldset>
  );
}

/**
 * What the cluster has, not what was meant: enabled rules on other versions, and routes the console
 * does not edit (a matched split) that send to other versions, still take the requests they match.
 */
function whatStillRoutes(view: ReleaseView, version: string, all: string, split: string): string {
  const rules = view.rules
    .filter((r) => r.enabled && r.version !== version)
    .map((r) => `rule ${r.name ?? r.id} still sends requests to ${r.version}`);
  const kept = (view.keptRoutes ?? [])
    .filter((k) => k.versions.some((x) => x !== version))
    .map(
      (k) =>
        `route ${k.name ?? k.pointer} (not edited here) still sends requests to ${k.versions.filter((x) => x !== version).join(' and ')}`,
    );
  const elsewhere = [...rules, ...kept];
  return elsewhere.length === 0 ? all : `${split}, but ${elsewhere.join(', ')}`;
}

export function DoneStep({
  release,
  view,
  wizard,
  apply,
}: {
  release: RolloutPlanView;
  view: ReleaseView;
  wizard: WizardStore;
  apply: ApplyStore;
}) {
  const v = release.canary.version;
  const takes = whatStillRoutes(view, v, 'it takes all traffic', 'it takes all of the split');
  const back = whatStillRoutes(
    view,
    release.stable.version,
    `all traffic is back on ${release.stable.version}`,
    `the split is back on ${release.stable.version}`,
  );
  return (
    <div>
      <p role="status">
        {release.phase === 'finalized'
          ? `${v} is released: ${takes}, and ${release.stable.version} was ${release.finalizeMode === 'delete' ? 'deleted' : 'scaled to zero'}.`
          : `The release of ${v} was aborted: ${back}.`}
      </p>
      <OldServiceOffer release={release} wizard={wizard} apply={apply} />
      <button type="button" onClick={() => wizard.getState().close()}>
        Close
      </button>
    </div>
  );
}
