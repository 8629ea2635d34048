import { useEffect, useState } from 'react';
import type { ContextSummary } from '../../../../shared/api/contract.ts';
import type { FleetSaved } from '../../../../shared/api/fleet-schemas.ts';
import { connectedContexts } from '../../../../shared/fleet/index.ts';
import type { ApiClient } from '../../api/api-client.ts';

// Which clusters make the fleet: a saved fleet (fleet.list), the connected contexts ad hoc, or
// contexts ticked one by one; the ticked set can be saved under a name (fleet.save).

export function FleetPicker({
  api,
  contexts,
  chosen,
  onChoose,
}: {
  api: ApiClient;
  contexts: ContextSummary[];
  chosen: string[];
  onChoose: (contexts: string[]) => void;
}) {
  const [saved, setSaved] = useState<FleetSaved[]>([]);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState('');
  const [note, setNote] = useState<{ error: boolean; text: string } | undefined>();
  useEffect(() => {
    void api.call('fleet.list', {}).then((r) => {
      if (r.ok) setSaved(r.value.fleets);
    });
  }, [api]);
  const toggle = (id: string, on: boolean) => onChoose(on ? [...chosen, id] : chosen.filter((c) => c !== id));
  const save = async () => {
    const r = await api.call('fleet.save', { name: name.trim(), contexts: chosen });
    if (r.ok) {
      setSaved(r.value.fleets);
      setNote({ error: false, text: `Saved the fleet ${name.trim()} (${chosen.length} clusters).` });
    } else setNote({ error: true, text: `The fleet was not saved: ${r.error.message}` });
  };
  const remove = async (fleet: string) => {
    const r = await api.call('fleet.delete', { name: fleet });
    if (r.ok) {
      setSaved(r.value.fleets);
      setPicked('');
      setNote({ error: false, text: `Deleted the saved fleet ${fleet}; its clusters stay ticked.` });
    } else setNote({ error: true, text: `The fleet was not deleted: ${r.error.message}` });
  };
  return (
    <section aria-labelledby="fleet-picker-heading" className="fleet-picker">
      <h3 id="fleet-picker-heading">Clusters in the fleet</h3>
      {saved.length > 0 && (
        <label>
          Saved fleet{' '}
          <select
            value={picked}
            onChange={(e) => {
              const f = saved.find((x) => x.name === e.target.value);
              setPicked(f?.name ?? '');
              if (f) {
                setName(f.name);
                onChoose(f.contexts);
              }
            }}
          >
            <option value="">Choose a saved fleet…</option>
            {saved.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name} ({f.contexts.length} clusters)
              </option>
            ))}
          </select>
        </label>
      )}
      {picked && (
        <button type="button" className="secondary" onClick={() => void remove(picked)}>
          Delete the saved fleet {picked}
        </button>
      )}
      <button type="button" className="secondary" onClick={() => onChoose(connectedContexts(contexts))}>
        Use all connected contexts
      </button>
      <fieldset className="fleet-fields">
        <legend>Contexts</legend>
        {contexts.map((c) => (
          <label key={c.id} className="fleet-context">
            <input
              type="checkbox"
              checked={chosen.includes(c.id)}
              onChange={(e) => toggle(c.id, e.target.checked)}
            />{' '}
            {c.name} <span className="muted small">({c.status})</span>
          </label>
        ))}
      </fieldset>
      <form
        aria-label="Save the fleet"
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          Fleet name <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={chosen.length === 0}>
          Save fleet
        </button>
      </form>
      {note && (
        <p role={note.error ? 'alert' : 'status'} className={note.error ? 'banner banner-error' : undefined}>
          {note.text}
        </p>
      )}
    </section>
  );
}
