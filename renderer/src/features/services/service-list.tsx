import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { ServiceSummary } from '../../../../shared/api/console-schemas.ts';
import type { ClustersStore } from '../../stores/clusters-store.ts';
import { placeOf } from '../../stores/clusters-store.ts';
import type { ServicesStore } from '../../stores/services-store.ts';
import { filterServices } from '../../stores/services-store.ts';

const ROW = 52;

function badges(s: ServiceSummary): string[] {
  const out = [`${s.versionCount} version${s.versionCount === 1 ? '' : 's'}`];
  if (s.releaseInProgress) out.push('release in progress');
  if (s.contentRuleCount > 0)
    out.push(`${s.contentRuleCount} content rule${s.contentRuleCount === 1 ? '' : 's'}`);
  if (s.readOnly) out.push('read-only');
  if (s.managedBy) out.push(`managed by ${s.managedBy}`);
  if (s.lintErrors > 0) out.push(`${s.lintErrors} lint error${s.lintErrors === 1 ? '' : 's'}`);
  return out;
}

/** Every service of the active cluster: search, namespace filter, badges; virtualized for thousands. */
export function ServiceList({
  contextId,
  clusters,
  services,
}: {
  contextId: string;
  clusters: ClustersStore;
  services: ServicesStore;
}) {
  const data = services((s) => s.byContext[contextId]);
  const place = clusters((s) => placeOf(s, contextId));
  const setPlace = clusters((s) => s.setPlace);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!services.getState().byContext[contextId]) void services.getState().load(contextId);
  }, [contextId, services]);

  const list = useMemo(
    () => filterServices(data?.list ?? [], place.search, place.namespace),
    [data?.list, place.search, place.namespace],
  );
  const virtualizer = useVirtualizer({
    count: list.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 8,
    initialOffset: place.scrollTop,
  });

  // Back in a cluster: return to where the operator was.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = clusters.getState().places[contextId]?.scrollTop ?? 0;
  }, [contextId, clusters]);

  // Marks the list laid out with fresh data (for the console benchmark; cheap otherwise).
  useLayoutEffect(() => {
    if (!data || data.loading || data.list.length === 0) return;
    scroller.current?.getBoundingClientRect();
    performance.mark('switchyard:services-rendered', { detail: data.list.length });
  }, [data]);

  const selected = place.releaseId;
  return (
    <section className="panel service-list" aria-label="Services">
      <div className="service-filters">
        <input
          type="search"
          aria-label="Search services"
          placeholder="Search services…"
          value={place.search}
          onChange={(e) => setPlace(contextId, { search: e.target.value })}
        />
        <select
          aria-label="Namespace"
          value={place.namespace}
          onChange={(e) => setPlace(contextId, { namespace: e.target.value })}
        >
          <option value="">All namespaces</option>
          {(data?.namespaces ?? []).map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
      </div>
      <div className="muted small" aria-live="polite">
        {data?.loading
          ? 'Loading services…'
          : data?.error
            ? ''
            : `${list.length} of ${data?.list.length ?? 0} services`}
      </div>
      {data?.error && (
        <div role="alert" className="banner banner-error">
          Could not list services: {data.error.message}{' '}
          <button type="button" onClick={() => void services.getState().load(contextId)}>
            Retry
          </button>
        </div>
      )}
      <div
        ref={scroller}
        className="service-scroller"
        onScroll={(e) => setPlace(contextId, { scrollTop: e.currentTarget.scrollTop })}
      >
        <div
          role="listbox"
          aria-label="Service list"
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        >
          {virtualizer.getVirtualItems().map((row) => {
            const s = list[row.index];
            if (!s) return null;
            const b = badges(s);
            return (
              <div
                key={s.releaseId}
                role="option"
                aria-selected={s.releaseId === selected}
                aria-setsize={list.length}
                aria-posinset={row.index + 1}
                aria-label={`${s.name} in ${s.namespace}`}
                tabIndex={s.releaseId === selected ? 0 : -1}
                className={`service-row${s.releaseId === selected ? ' is-selected' : ''}`}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${row.start}px)`,
                }}
                onClick={() => setPlace(contextId, { releaseId: s.releaseId })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') setPlace(contextId, { releaseId: s.releaseId });
                  const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
                  const next = list[row.index + step];
                  if (step && next) {
                    e.preventDefault();
                    setPlace(contextId, { releaseId: next.releaseId });
                    virtualizer.scrollToIndex(row.index + step);
                  }
                }}
              >
                <div className="service-name">
                  {s.name} <span className="muted small">{s.namespace}</span>
                </div>
                <div className="service-badges">
                  {b.map((x) => (
                    <span key={x} className={`chip${/lint|read-only|managed/.test(x) ? ' chip-warn' : ''}`}>
                      {x}
                    </span>
                  ))}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
