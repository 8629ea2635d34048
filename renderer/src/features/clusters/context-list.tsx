import { useShallow } from 'zustand/react/shallow';
import type { ClustersStore } from '../../stores/clusters-store.ts';
import { StatusBadge } from './status-badge.tsx';

/**
 * The browser's Element Timing API reports when a cluster's name was painted: what the first
 * screen's benchmark measures (test/bench/first-paint.bench.ts). A spread, as React's types do
 * not know the attribute.
 */
const FIRST_SCREEN_TIMING = { elementtiming: 'first-screen' };

export function ContextList({ store }: { store: ClustersStore }) {
  const { contexts, problems, loading, demo, openingDemo, openDemo, activeId } = store(
    useShallow((s) => ({
      contexts: s.contexts,
      activeId: s.activeContextId,
      problems: s.problems,
      loading: s.loading,
      demo: s.demo,
      openingDemo: s.openingDemo,
      openDemo: s.openDemo,
    })),
  );
  return (
    <section aria-labelledby="clusters-heading" className="panel">
      <div className="panel-head">
        <h2 id="clusters-heading">Clusters</h2>
        {!demo.running && (
          <button type="button" onClick={() => void openDemo()} disabled={openingDemo}>
            {openingDemo ? 'Starting demo mesh…' : 'Open demo mesh'}
          </button>
        )}
      </div>
      {loading ? (
        <p aria-live="polite">Reading your kubeconfig…</p>
      ) : (
        <ul aria-label="Kubeconfig contexts" className="context-list">
          {contexts.map((c) => (
            <li key={c.id} aria-label={c.name}>
              <div className="context-name" {...FIRST_SCREEN_TIMING}>
                {c.name}
              </div>
              <div className="context-meta">
                {c.isDemo
                  ? `Embedded demo mesh with live simulated traffic · user ${c.user}`
                  : `${c.cluster} · ${c.user}`}
                {c.namespace ? ` · ns ${c.namespace}` : ''}
                {c.isDemo && c.source.includes('/') ? (
                  <div className="small">
                    <label>
                      kubeconfig for kubectl{' '}
                      <input readOnly size={48} aria-label={`Kubeconfig of ${c.name}`} value={c.source} />
                    </label>
                  </div>
                ) : null}
              </div>
              <StatusBadge status={c.status} reason={c.statusReason} />
              {c.statusReason && c.status !== 'connected' && (
                <div className="muted small">{c.statusReason}</div>
              )}
              {c.id !== activeId && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void store.getState().switchTo(c.id)}
                >
                  Open {c.name}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {problems.length > 0 && (
        <div role="alert" className="problems">
          <h3>Kubeconfig problems</h3>
          <ul>
            {problems.map((p) => (
              <li key={p.file}>
                <code>{p.file}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
