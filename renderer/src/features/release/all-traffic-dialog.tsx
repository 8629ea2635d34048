import { useEffect, useState } from 'react';
import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../../shared/api/errors.ts';
import type { AllTrafficView, RuleOutcomeView } from '../../../../shared/api/release-flow-schemas.ts';
import { roundedPercents } from '../../../../shared/mesh/evaluate/index.ts';
import type { ApiClient } from '../../api/api-client.ts';
import { metricsStoreFor } from '../../stores/metrics-store.ts';
import { ConfirmDialog } from '../shell/confirm-dialog.tsx';
import { measuredFigures } from '../traffic/traffic-figures.ts';
import { worseWarning } from '../traffic/worse-warning.ts';
import { type OtherRulesChoice, OtherRulesChoiceField } from './other-rules-choice.tsx';

export type AllTrafficKind = 'switch' | 'rollback';

const ruleLabel = (r: RuleOutcomeView) => r.name ?? r.id;

function outcomeText(r: RuleOutcomeView, version: string): string {
  switch (r.outcome) {
    case 'disabled':
      return `disabled: its requests go to ${version}; the rule is kept in the route and can be re-enabled`;
    case 'retargeted':
      return `now sends its requests to ${version} instead of ${r.from}`;
    case 'kept':
      return `kept: its requests still reach ${r.from}`;
    case 'unchanged':
      return `already sends its requests to ${version}`;
  }
}

/**
 * "Switch all traffic to X" / "Roll back to Y": what happens to the split and to every content rule
 * that routes elsewhere (disable, retarget or keep, the operator chooses), planned by main with its
 * dry-run before anything is applied.
 */
export function AllTrafficDialog({
  api,
  view,
  version,
  kind,
  onConfirm,
  onCancel,
}: {
  api: ApiClient;
  view: ReleaseView;
  version: string;
  kind: AllTrafficKind;
  onConfirm: (change: AllTrafficView) => void;
  onCancel: () => void;
}) {
  // Disabling keeps a rule in a VirtualService annotation; HTTPRoutes have no such place.
  const canDisable = view.flavor === 'istio';
  const [choice, setChoice] = useState<OtherRulesChoice>(canDisable ? 'disable' : 'retarget');
  const [change, setChange] = useState<AllTrafficView | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [anyway, setAnyway] = useState(false);
  const { contextId, releaseId } = view;
  const snapshot = metricsStoreFor(api)((s) =>
    s.snapshot?.contextId === contextId && s.snapshot.releaseId === releaseId ? s.snapshot : undefined,
  );
  const worse = worseWarning(snapshot, version);
  const measured = measuredFigures(snapshot, view.mirrors);

  useEffect(() => {
    let live = true;
    setChange(undefined);
    setError(undefined);
    void api
      .call('release.allTraffic', { contextId, releaseId, version, rules: choice, purpose: kind })
      .then((r) => {
        if (!live) return;
        if (r.ok) setChange(r.value);
        else setError(r.error);
      });
    return () => {
      live = false;
    };
  }, [api, contextId, releaseId, version, choice, kind]);

  const now = view.versions.find((v) => v.name === version)?.weight ?? 0;
  const others = view.versions
    .filter((v) => v.name !== version && v.weight > 0)
    .map((v) => `${v.name} (now ${v.weight}%)`);
  const verb =
    kind === 'rollback'
      ? `Roll back ${view.name} to ${version}`
      : `Switch all traffic of ${view.name} to ${version}`;
  const body = `${verb}: ${version} goes from ${now}% to 100% of the split${others.length ? `, ${others.join(', ')} to 0%` : ''}. This is applied to the cluster right away and can be undone from History.`;
  const elsewhere = view.rules.filter((r) => r.enabled && r.version !== version);
  const kept = change?.rules.filter((r) => r.outcome === 'kept') ?? [];
  const dryRunFailed = change?.plan.steps.some((s) => !s.dryRun.ok) ?? false;
  const title = kind === 'rollback' ? `Roll back to ${version}?` : `Switch all traffic to ${version}?`;

  return (
    <ConfirmDialog
      title={title}
      body={body}
      confirmLabel={kind === 'rollback' ? `Roll back to ${version}` : `Switch to ${version}`}
      confirmDisabled={!change || dryRunFailed || (worse !== undefined && !anyway)}
      onConfirm={() => change && onConfirm(change)}
      onCancel={onCancel}
    >
      {worse && (
        <div role="alert" aria-label={`${version} is judged worse`} className="banner banner-error">
          <p>
            <strong>{version} is judged worse</strong> by the live comparison: {worse.summary}
          </p>
          {worse.findings.length > 0 && (
            <ul>
              {worse.findings.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          )}
          <label>
            <input type="checkbox" checked={anyway} onChange={(e) => setAnyway(e.target.checked)} /> Move all
            traffic to {version} anyway
          </label>
        </div>
      )}
      {change?.traffic && (
        <TrafficChange
          traffic={change.traffic}
          measured={measured ? { basis: measured.basis, percent: measured.percent } : undefined}
        />
      )}
      {change?.restores && (
        <p role="note" aria-label="What this restores">
          Restores: {change.restores}.
        </p>
      )}
      {elsewhere.length > 0 ? (
        <OtherRulesChoiceField
          name="other-rules"
          legend="Content rules that send requests to other versions"
          version={version}
          value={choice}
          canDisable={canDisable}
          onChange={setChoice}
        />
      ) : (
        <p className="muted">No content rule sends requests to another version.</p>
      )}
      {!change && !error && <p aria-busy="true">Working out what changes…</p>}
      {error && (
        <p role="alert" className="banner banner-error">
          Cannot plan this change: {error.message}
        </p>
      )}
      {change && change.rules.length > 0 && (
        <ul aria-label="What happens to each content rule">
          {change.rules.map((r) => (
            <li key={r.id}>
              <strong>{ruleLabel(r)}</strong> ({r.from}): {outcomeText(r, version)}
            </li>
          ))}
        </ul>
      )}
      {kept.length > 0 && (
        <p role="note" aria-label="Requests that still reach other versions" className="banner banner-warn">
          Not all traffic: requests matching{' '}
          {kept.map((r) => `${ruleLabel(r)} still reach ${r.from}`).join(', ')}.
        </p>
      )}
      {change && change.mirrors.length > 0 && (
        <p role="note" aria-label="Mirrored requests" className="banner banner-warn">
          Mirrors stay as they are:{' '}
          {change.mirrors
            .map((m) => `${m.version} still gets a copy of ${m.percentage}% of requests`)
            .join(', ')}{' '}
          (copies only; the answers come from {version}).
        </p>
      )}
      {change && change.untouched.length > 0 && (
        <p role="note" className="banner banner-warn">
          Left as they are (Switchyard does not edit them):{' '}
          {change.untouched.map((u) => `${u.name ?? `route ${u.index + 1}`} (${u.reason})`).join('; ')}.
        </p>
      )}
      {change && (
        <p className="muted small">
          {change.plan.summary}
          {dryRunFailed
            ? ` — the dry-run failed: ${change.plan.steps.find((s) => !s.dryRun.ok)?.dryRun.message ?? ''}`
            : change.plan.steps.length > 0
              ? ' — dry-run passed.'
              : ''}
        </p>
      )}
    </ConfirmDialog>
  );
}

/** Share of requests per version before and after (estimated), with the measured share now. */
function TrafficChange({
  traffic,
  measured,
}: {
  traffic: NonNullable<AllTrafficView['traffic']>;
  measured: { basis: string; percent: Record<string, number> } | undefined;
}) {
  const percents = (rows: ReadonlyArray<{ version: string; share: number }>) =>
    roundedPercents(rows.map((r) => ({ key: r.version, share: r.share })));
  const before = percents(traffic.before);
  const after = percents(traffic.after);
  const versions = [...new Set([...before.keys(), ...after.keys(), ...Object.keys(measured?.percent ?? {})])];
  return (
    <table aria-label="Share of requests before and after" className="traffic-change">
      <caption className="muted small">Share of requests, {traffic.basis}.</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          {measured && (
            <th scope="col" title={measured.basis}>
              Now (measured)
            </th>
          )}
          <th scope="col">Now (estimated)</th>
          <th scope="col">After (estimated)</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v}>
            <th scope="row">{v}</th>
            {measured && <td>{measured.percent[v] ?? 0}%</td>}
            <td>{before.get(v) ?? 0}%</td>
            <td>{after.get(v) ?? 0}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
