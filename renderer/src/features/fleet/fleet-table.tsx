import { useEffect, useState } from 'react';
import type { FleetView } from '../../../../shared/api/fleet-schemas.ts';
import type { ApiClient } from '../../api/api-client.ts';

// The fleet view of one service: one row per cluster with its versions, catch-all split and
// content rules; a cell where the cluster differs from the others is marked (class `drift`, and
// the drift sentence as the cell's description), and an unreachable cluster is a row saying why.

type Row = FleetView['services'][number]['rows'][number];
type Aspect = Row['drift'][number]['aspect'];

const splitText = (split: Row['split']) =>
  split ? split.map((s) => `${s.version} ${s.weight}%`).join(', ') : 'no catch-all route';
const rulesText = (rules: Row['rules']) =>
  rules.length ? rules.map((r) => `${r.match} → ${r.version}`).join('; ') : 'no content rules';

function Cell({ row, aspect, children }: { row: Row; aspect: Aspect; children: string }) {
  const drift = row.drift.find((d) => d.aspect === aspect);
  const id = `fleet-drift-${row.contextId}-${aspect}`.replace(/[^a-zA-Z0-9_-]/g, '-');
  return (
    <td className={drift ? 'drift' : undefined} aria-describedby={drift ? id : undefined}>
      {children}
      {drift && (
        <span id={id} className="muted small" hidden>
          {drift.words}
        </span>
      )}
    </td>
  );
}

/** The drift of the service across the fleet in words, one sentence per differing cell. */
export function FleetDrift({ view, host }: { view: FleetView; host: string }) {
  const rows = view.services.find((s) => s.host === host)?.rows ?? [];
  const drift = rows.flatMap((r) =>
    r.drift.map((d) => ({ key: `${r.contextId}-${d.aspect}`, words: d.words })),
  );
  if (rows.length === 0) return <p role="status">No cluster of the fleet has {host}.</p>;
  if (drift.length === 0)
    return <p role="status">No drift: every cluster has the same versions, split and content rules.</p>;
  return (
    <section aria-labelledby="fleet-drift-heading">
      <h3 id="fleet-drift-heading">Drift</h3>
      <ul aria-label="Drift across the fleet">
        {drift.map((d) => (
          <li key={d.key}>{d.words}</li>
        ))}
      </ul>
    </section>
  );
}

export function FleetTable({ view, host }: { view: FleetView; host: string }) {
  const service = view.services.find((s) => s.host === host);
  const unreachable = view.clusters.filter((c) => !c.reachable);
  return (
    <table aria-label={`${host} across the fleet`} className="fleet-table">
      <thead>
        <tr>
          <th scope="col">Cluster</th>
          <th scope="col">Versions</th>
          <th scope="col">Split</th>
          <th scope="col">Content rules</th>
          <th scope="col">Health</th>
        </tr>
      </thead>
      <tbody>
        {(service?.rows ?? []).map((row) => (
          <tr
            key={row.contextId}
            aria-label={row.contextId}
            className={row.drift.length ? 'drifted' : undefined}
          >
            <th scope="row">{row.contextId}</th>
            {row.present ? (
              <>
                <Cell row={row} aspect="versions">
                  {row.versions.join(', ')}
                </Cell>
                <Cell row={row} aspect="split">
                  {splitText(row.split)}
                </Cell>
                <Cell row={row} aspect="rules">
                  {rulesText(row.rules)}
                </Cell>
              </>
            ) : (
              <Cell row={row} aspect="presence">
                {`no ${host}`}
              </Cell>
            )}
            <td>{row.health ? `${row.health.status}: ${row.health.summary}` : '—'}</td>
          </tr>
        ))}
        {unreachable.map((c) => (
          <tr key={c.contextId} aria-label={c.contextId} className="unreachable">
            <th scope="row">{c.contextId}</th>
            <td colSpan={4}>unreachable: {c.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Loads the fleet view of one service and shows it (or the error, in words). */
export function FleetPanel({
  api,
  contexts,
  namespace,
  host,
  onView,
}: {
  api: ApiClient;
  contexts: string[];
  namespace: string;
  host: string;
  /** Told the view once read (the fleet screen offers its versions for a cut-over). */
  onView?: (view: FleetView) => void;
}) {
  const [view, setView] = useState<FleetView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const key = contexts.join('\n');
  useEffect(() => {
    let live = true;
    void api.call('fleet.view', { contexts: key.split('\n'), namespace, host }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setView(r.value);
        onView?.(r.value);
      } else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, key, namespace, host, onView]);
  if (error) return <p role="alert">The fleet could not be read: {error}</p>;
  if (!view) return <p aria-busy="true">Reading the fleet…</p>;
  return (
    <>
      <FleetTable view={view} host={host} />
      <FleetDrift view={view} host={host} />
    </>
  );
}
