import { useState } from 'react';
import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import type { WizardStore } from '../../stores/wizard-store.ts';

/** The next free `vN` after the highest numbered version, else `<stable>-next`. */
export function suggestVersion(names: readonly string[]): string {
  const numbers = names.map((n) => /^v(\d+)$/.exec(n)?.[1]).filter((n): n is string => n !== undefined);
  if (numbers.length === 0) return 'canary';
  return `v${Math.max(...numbers.map(Number)) + 1}`;
}

/** The stable version by default: the one with most traffic now. */
function stableOf(view: ReleaseView): string {
  return [...view.versions].sort((a, b) => b.weight - a.weight)[0]?.name ?? '';
}

export function CreateStep({ view, wizard }: { view: ReleaseView; wizard: WizardStore }) {
  const busy = wizard((s) => s.busy);
  const [from, setFrom] = useState(() => stableOf(view));
  const [version, setVersion] = useState(() => suggestVersion(view.versions.map((v) => v.name)));
  const stableImage = view.versions.find((v) => v.name === from)?.image ?? '';
  const [image, setImage] = useState<string | null>(null);
  const [replicas, setReplicas] = useState(1);
  const taken = view.versions.some((v) => v.name === version);
  const shownImage = image ?? stableImage;
  const ready = from !== '' && version !== '' && !taken && shownImage.trim() !== '' && replicas >= 1;
  return (
    <form
      className="wizard-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        void wizard.getState().start({
          contextId: view.contextId,
          releaseId: view.releaseId,
          fromVersion: from,
          newVersion: version,
          image: shownImage.trim(),
          replicas,
        });
      }}
    >
      <p className="muted">
        The new version's Deployment is a copy of the stable one with a new image and version label.
        {view.flavor === 'gateway-api'
          ? ' Its Service (the stable backend Service with the new version label) is created next, and once it has ready endpoints it is added to the HTTPRoute at weight 0.'
          : ''}{' '}
        It gets no traffic until you choose a policy.
      </p>
      <label>
        Stable version{' '}
        <select aria-label="Stable version" value={from} onChange={(e) => setFrom(e.target.value)}>
          {view.versions.map((v) => (
            <option
              key={v.name}
              value={v.name}
              disabled={v.deployments.length === 0 && view.flavor !== 'gateway-api'}
            >
              {v.name} ({v.weight}%)
            </option>
          ))}
        </select>
      </label>
      <label>
        New version{' '}
        <input
          aria-label="New version"
          value={version}
          onChange={(e) => setVersion(e.target.value.trim().toLowerCase())}
          aria-invalid={taken}
          aria-describedby="new-version-hint"
        />
      </label>
      <span id="new-version-hint" className={taken ? 'lint-error small' : 'muted small'}>
        {taken ? `${version} already exists: choose another name` : 'lower-case letters, digits, "-" and "."'}
      </span>
      <label>
        Image{' '}
        <input aria-label="Image" size={60} value={shownImage} onChange={(e) => setImage(e.target.value)} />
      </label>
      <label>
        Replicas{' '}
        <input
          aria-label="Replicas"
          type="number"
          min={1}
          max={100}
          value={replicas}
          onChange={(e) => setReplicas(Math.max(1, Math.min(100, Math.round(Number(e.target.value) || 1))))}
        />
      </label>
      <div className="row">
        <button type="submit" disabled={!ready || busy}>
          {busy ? 'Creating…' : 'Create version'}
        </button>
      </div>
    </form>
  );
}
