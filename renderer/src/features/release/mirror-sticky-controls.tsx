import { useId } from 'react';
import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import type { MirrorStickyEdit } from '../../stores/mirror-sticky-edit.ts';
import {
  DEFAULT_MIRROR_PERCENT,
  DEFAULT_STICKY_HOURS,
  mirrorOf,
  normalizeExtras,
  stickyOf,
} from '../../stores/mirror-sticky-edit.ts';

interface MirrorStickyControlsProps {
  view: ReleaseView;
  extras: MirrorStickyEdit | undefined;
  editable: boolean;
  /** Called with the parts that differ from the cluster (undefined: none). */
  onChange: (extras: MirrorStickyEdit | undefined) => void;
}

/** "Mirror traffic" (version + percent) and "Keep each user on their version (sticky)". */
export function MirrorStickyControls({ view, extras, editable, onChange }: MirrorStickyControlsProps) {
  const id = useId();
  if (view.flavor !== 'istio') return null;
  const mirror = mirrorOf(view, extras);
  const sticky = stickyOf(view, extras);
  const stable = [...view.versions].sort((a, b) => b.weight - a.weight)[0]?.name;
  const targets = view.versions.filter((v) => v.declared).map((v) => v.name);
  const canary = targets.find((v) => v !== stable) ?? targets[0];
  const change = (next: MirrorStickyEdit) =>
    onChange(normalizeExtras(view, { mirror, sticky, ...extras, ...next }));
  const hours = Math.round((sticky.maxAgeSeconds ?? DEFAULT_STICKY_HOURS * 3600) / 3600);

  return (
    <section aria-label="Mirroring and sticky sessions" className="mirror-sticky">
      <fieldset className="finalize-mode">
        <legend>Mirror traffic</legend>
        <label>
          <input
            type="checkbox"
            checked={mirror !== null}
            disabled={!editable || canary === undefined}
            aria-describedby={`${id}-mirror-help`}
            onChange={(e) =>
              change({
                mirror: e.currentTarget.checked
                  ? { version: canary ?? '', percentage: DEFAULT_MIRROR_PERCENT }
                  : null,
              })
            }
          />{' '}
          Mirror traffic
        </label>
        {mirror && (
          <div className="row">
            <label>
              to{' '}
              <select
                aria-label="Mirror to version"
                value={mirror.version}
                disabled={!editable}
                onChange={(e) => change({ mirror: { ...mirror, version: e.currentTarget.value } })}
              >
                {targets.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <input
                type="number"
                aria-label="Mirrored share of requests (%)"
                min={0}
                max={100}
                step={0.1}
                value={mirror.percentage}
                aria-valuenow={mirror.percentage}
                disabled={!editable}
                onChange={(e) => {
                  const p = Math.round(Number(e.currentTarget.value) * 10) / 10;
                  if (Number.isFinite(p) && p >= 0 && p <= 100)
                    change({ mirror: { ...mirror, percentage: p } });
                }}
              />{' '}
              % of requests
            </label>
          </div>
        )}
        <p id={`${id}-mirror-help`} className="muted small">
          The mesh sends a copy of that share of the catch-all route's requests to the version and throws its
          answer away: users only ever get the split's answers. Copies are real requests for the mirrored
          version (writes included), and Istio's metrics count them as its own requests, so while a mirror is
          on that version's figures include mirrored requests.
        </p>
      </fieldset>
      <fieldset className="finalize-mode">
        <legend>Sticky sessions</legend>
        <label>
          <input
            type="checkbox"
            checked={sticky.enabled}
            disabled={!editable}
            aria-describedby={`${id}-sticky-help`}
            onChange={(e) => change({ sticky: { ...sticky, enabled: e.currentTarget.checked } })}
          />{' '}
          Keep each user on their version (sticky)
        </label>
        {sticky.enabled && (
          <label>
            for{' '}
            <input
              type="number"
              aria-label="Keep users on their version for (hours)"
              min={1}
              max={8760}
              step={1}
              value={hours}
              aria-valuenow={hours}
              disabled={!editable}
              onChange={(e) => {
                const h = Math.round(Number(e.currentTarget.value));
                if (h >= 1 && h <= 8760) change({ sticky: { enabled: true, maxAgeSeconds: h * 3600 } });
              }}
            />{' '}
            hours
          </label>
        )}
        <p id={`${id}-sticky-help`} className="muted small">
          The first answer sets a cookie naming the version the split picked (each catch-all destination adds{' '}
          <code>Set-Cookie: {view.sticky?.cookie ?? 'sy-version'}=&lt;version&gt;</code>), and one rule per
          version, after your own rules, sends requests carrying that cookie back to it. When a version gets
          0% or all traffic goes to one version, its rule goes, so nobody stays on a version that no longer
          gets traffic. A DestinationRule's consistent hash is not used: it picks a pod within the version the
          weights already chose, so it cannot keep a user on a version.
        </p>
      </fieldset>
    </section>
  );
}
