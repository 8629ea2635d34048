import { useEffect, useRef, useState } from 'react';
import type { FleetRunView } from '../../../../shared/api/fleet-schemas.ts';
import { fleetRunWords } from '../../../../shared/fleet/index.ts';
import type { ApiClient } from '../../api/api-client.ts';

// A fleet run's waves as they progress (fleet.progress events): one row per cluster with its wave
// and state, the gates read, and after a failure the choice to roll back all or keep.

const clusterStateWords: Record<string, string> = {
  pending: 'waiting for its wave',
  applying: 'applying',
  applied: 'applied',
  failed: 'failed',
  skipped: 'skipped',
  'rolling-back': 'rolling back',
  'rolled-back': 'rolled back',
};

const MOVING = new Set(['running', 'holding', 'judging', 'waiting-for-data']);

export function FleetRunProgress({
  api,
  started,
  onChange,
}: {
  api: ApiClient;
  started: FleetRunView;
  /** Told every state the run reaches (the dialog keeps Close until the run has ended). */
  onChange?: (run: FleetRunView) => void;
}) {
  const [run, setRun] = useState(started);
  useEffect(() => onChange?.(run), [run, onChange]);
  const [error, setError] = useState<string | undefined>();
  const [now, setNow] = useState(() => Date.now());
  // Progress events heard: an answer is older than an event that came while it was on its way
  // (a stop answers 'holding' while its event already says 'stopped').
  const heard = useRef(0);
  useEffect(
    () =>
      api.on('fleet.progress', (p) => {
        if (p.runId !== started.runId) return;
        heard.current += 1;
        setRun(p);
      }),
    [api, started.runId],
  );
  // Events sent before the subscription are missed: read the run once, unless an event came first.
  useEffect(() => {
    void api.call('fleet.get', { runId: started.runId }).then((r) => {
      if (r.ok && heard.current === 0) setRun(r.value);
    });
  }, [api, started.runId]);
  useEffect(() => {
    if (run.state !== 'holding') return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [run.state]);

  const act = async (call: 'fleet.stop' | 'fleet.rollbackAll' | 'fleet.keep') => {
    setError(undefined);
    const before = heard.current;
    const r = await api.call(call, { runId: run.runId });
    if (!r.ok) setError(r.error.message);
    else if (heard.current === before) setRun(r.value);
  };
  const moving = MOVING.has(run.state);
  return (
    <section aria-label="Fleet progress">
      <p role="status" aria-live="polite">
        {fleetRunWords(run, now)}
      </p>
      <table aria-label="Clusters of the fleet run">
        <thead>
          <tr>
            <th scope="col">Cluster</th>
            <th scope="col">Wave</th>
            <th scope="col">State</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {run.clusters.map((c) => (
            <tr key={c.contextId} aria-label={c.contextId}>
              <th scope="row">{c.contextId}</th>
              <td>{c.wave ?? '—'}</td>
              <td>{clusterStateWords[c.state] ?? c.state}</td>
              <td>{c.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {run.gates.length > 0 && (
        <ul aria-label="Health gates">
          {run.gates.map((g) => (
            <li key={g.wave}>
              Wave {g.wave}: {g.status === 'pass' ? 'passed' : g.status === 'fail' ? 'failed' : 'no data yet'}{' '}
              — {g.reason}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <div role="alert" className="banner banner-error">
          {error}
        </div>
      )}
      <div className="row">
        {moving && (
          <button type="button" className="secondary" onClick={() => void act('fleet.stop')}>
            Stop the waves
          </button>
        )}
        {run.state === 'stopped' && (
          <>
            <button type="button" onClick={() => void act('fleet.rollbackAll')}>
              Roll back all
            </button>
            <button type="button" className="secondary" onClick={() => void act('fleet.keep')}>
              Keep the changed clusters
            </button>
          </>
        )}
      </div>
    </section>
  );
}
