import { useCallback, useState } from 'react';
import type { ContextSummary } from '../../../../shared/api/contract.ts';
import type { FleetView } from '../../../../shared/api/fleet-schemas.ts';
import type { ApiClient } from '../../api/api-client.ts';
import { FleetPicker } from './fleet-picker.tsx';
import { FleetReviewDialog, type FleetReviewTarget } from './fleet-review-dialog.tsx';
import { FleetPanel } from './fleet-table.tsx';

// The Fleets screen: pick the clusters, name the service (namespace and host; filled in when opened
// from a service's "Open in fleet"), see it across the fleet with its drift, and review one change
// for every cluster.

export interface FleetService {
  namespace: string;
  host: string;
  /** The service's split on its slider (from "Open in fleet"). */
  split?: Array<{ version: string; weight: number }>;
  /** The saved draft to apply to the fleet (from a draft's "Apply to fleet…"). */
  draft?: { id: string; name: string; summary: string };
}

export function FleetScreen({
  api,
  contexts,
  initialContexts,
  service,
}: {
  api: ApiClient;
  contexts: ContextSummary[];
  initialContexts: string[];
  service?: FleetService | undefined;
}) {
  const [chosen, setChosen] = useState(initialContexts);
  const [namespace, setNamespace] = useState(service?.namespace ?? '');
  const [host, setHost] = useState(service?.host ?? '');
  const [shown, setShown] = useState<{ contexts: string[]; namespace: string; host: string } | undefined>(
    service && initialContexts.length ? { contexts: initialContexts, ...service } : undefined,
  );
  const [view, setView] = useState<FleetView | undefined>();
  const [reviewing, setReviewing] = useState(false);
  const [reads, setReads] = useState(0);
  const onView = useCallback((v: FleetView) => setView(v), []);

  const target: FleetReviewTarget | undefined =
    shown && view
      ? {
          namespace: shown.namespace,
          host: shown.host,
          versions: [
            ...new Set(
              view.services
                .filter((s) => s.host === shown.host)
                .flatMap((s) => s.rows.flatMap((r) => r.versions)),
            ),
          ].sort(),
          ...(service?.split && service.host === shown.host ? { split: service.split } : {}),
          ...(service?.draft && service.host === shown.host && service.namespace === shown.namespace
            ? { draft: service.draft }
            : {}),
        }
      : undefined;

  return (
    <section className="panel fleet-screen" aria-labelledby="fleets-heading">
      <h2 id="fleets-heading">Fleets</h2>
      <FleetPicker api={api} contexts={contexts} chosen={chosen} onChoose={setChosen} />
      <form
        aria-label="Service across the fleet"
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setView(undefined);
          setReads((n) => n + 1);
          setShown({ contexts: chosen, namespace: namespace.trim(), host: host.trim() });
        }}
      >
        <label>
          Namespace <input value={namespace} onChange={(e) => setNamespace(e.target.value)} />
        </label>
        <label>
          Host <input value={host} onChange={(e) => setHost(e.target.value)} />
        </label>
        <button type="submit" disabled={chosen.length === 0 || !namespace.trim() || !host.trim()}>
          Show across the fleet
        </button>
      </form>
      {shown && (
        <>
          <FleetPanel
            key={`${shown.contexts.join(',')}|${shown.namespace}|${shown.host}|${reads}`}
            api={api}
            contexts={shown.contexts}
            namespace={shown.namespace}
            host={shown.host}
            onView={onView}
          />
          <button type="button" disabled={!target} onClick={() => setReviewing(true)}>
            Review a fleet change
          </button>
        </>
      )}
      {reviewing && shown && target && (
        <FleetReviewDialog
          api={api}
          contexts={shown.contexts}
          target={target}
          onClose={() => {
            setReviewing(false);
            // The fleet moved: read it afresh.
            setView(undefined);
            setReads((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}
