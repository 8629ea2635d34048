import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ClustersStore } from '../../stores/clusters-store.ts';
import type { WizardStore } from '../../stores/wizard-store.ts';
import { CLUSTER_PHASES, isFinished } from '../../stores/wizard-store.ts';

const phaseWords: Record<string, string> = {
  creating: 'creating its Deployment',
  'rolling-out': 'rolling out',
  'adding-subset': 'declaring its subset',
  ready: 'ready for a policy',
  routing: 'taking traffic',
  promoted: 'promoted, not finalized',
  finalizing: 'finalizing',
  aborting: 'aborting',
};

/** Releases left in progress (also by an earlier run of the app), each with "Resume release". */
export function ResumeBanner({
  contextId,
  wizard,
  clusters,
}: {
  contextId: string;
  wizard: WizardStore;
  clusters: ClustersStore;
}) {
  const open = wizard((s) => s.panel?.id);
  const pending = wizard(
    useShallow((s) =>
      Object.values(s.releases).filter(
        (r) => r.contextId === contextId && !isFinished(r.phase) && r.id !== open,
      ),
    ),
  );
  useEffect(() => {
    void wizard.getState().load(contextId);
  }, [contextId, wizard]);
  if (pending.length === 0) return null;
  return (
    <section className="banner banner-warn" aria-label="Releases in progress">
      {pending.map((r) => (
        <div className="row" key={r.id}>
          <span>
            Grayscale release of <strong>{r.canary.version}</strong> into{' '}
            {r.releaseId.split('/').pop()?.split('.')[0]} is in progress ({phaseWords[r.phase] ?? r.phase}
            {r.running ? '' : CLUSTER_PHASES.includes(r.phase) ? ', stopped' : ''}).
          </span>
          <button
            type="button"
            aria-label={`Resume release of ${r.canary.version}`}
            onClick={() => {
              clusters.getState().setPlace(contextId, { releaseId: r.releaseId });
              wizard.getState().openFor(contextId, r.releaseId, r.id);
              if (!r.running && CLUSTER_PHASES.includes(r.phase))
                void wizard.getState().resume(contextId, r.id);
            }}
          >
            Resume release
          </button>
        </div>
      ))}
    </section>
  );
}
