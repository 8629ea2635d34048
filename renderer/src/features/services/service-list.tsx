import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ServiceSummary } from '../../../../shared/api/console-schemas.ts';
import { useOnClient } from '../../ssr/use-on-client.ts';
import { useTypedBeforeHydration } from '../../ssr/use-typed-before-hydration.ts';
import type { ClustersStore } from '../../stores/clusters-store.ts';
import { placeOf } from '../../stores/clusters-store.ts';
import { narrowingFilter } from '../../stores/service-search.ts';
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
  const searchBox = useRef<HTMLInputElement>(null);
  const onClient = useOnClient();
  // With a cluster open, this box is in the page's server-rendered first screen: a search typed
  // there before React took it over still filters the list.
  useTypedBeforeHydration(searchBox, place.search, (typed) => {
    if (typed !== place.search) setPlace(contextId, { search: typed });
  });

  useEffect(() => {
    if (!services.getState().byContext[contextId]) void services.getState().load(contextId);
  }, [contextId, services]);

  const [filter] = useState(() => narrowingFilter(filterServices));
  const list = useMemo(
    () => filter(data?.list ?? [], place.search, place.namespace),
    [filter, data?.list, place.search, place.namespace],
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
  // The row keyboard navigation moved to: focused once it is rendered (the list is virtualized,
  // so it may appear only after the scroll to it).
  const pendingFocus = useRef<string | null>(null);
  useEffect(() => {
    const id = pendingFocus.current;
    if (!id) return;
    const row = [...(scroller.current?.querySelectorAll<HTMLElement>('[role="option"]') ?? [])].find(
      (el) => el.dataset.releaseId === id,
    );
    if (row) {
      pendingFocus.current = null;
      row.focus();
    }
  });
  // The one row Tab reaches: the open service when listed, else the first.
  const tabStop = Math.max(
    0,
    list.findIndex((x) => x.releaseId === selected),
  );
  const open = (index: number, focus: boolean) => {
    const s = list[index];
    if (!s) return;
    if (focus) pendingFocus.current = s.releaseId;
    setPlace(contextId, { releaseId: s.releaseId });
    virtualizer.scrollToIndex(index);
  };
  const onRowKey = (e: KeyboardEvent, index: number) => {
    const target =
      e.key === 'ArrowDown'
        ? index + 1
        : e.key === 'ArrowUp'
          ? index - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? list.length - 1
              : e.key === 'PageDown'
                ? Math.min(list.length - 1, index + 10)
                : e.key === 'PageUp'
                  ? Math.max(0, index - 10)
                  : undefined;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(index, false);
    } else if (target !== undefined && list[target]) {
      e.preventDefault();
      open(target, true);
    }
  };
  return (
    <section className="panel service-list" aria-label="Services">
      <div className="service-filters">
        <input
          ref={searchBox}
          type="search"
          aria-label="Search services"
          autoComplete="off"
          placeholder="Search services…"
          value={place.search}
          aria-keyshortcuts="Enter ArrowDown"
          onChange={(e) => setPlace(contextId, { search: e.target.value })}
          onKeyDown={(e) => {
            // Enter opens the first match; Down moves into the list (at the open service if listed).
            if (e.key === 'Enter') {
              e.preventDefault();
              open(0, false);
            } else if (e.key === 'ArrowDown' && list.length > 0) {
              e.preventDefault();
              open(tabStop, true);
            }
          }}
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
          className="service-rows"
          // Not in the server's first screen: the page's CSP blocks a style attribute in its HTML.
          style={onClient ? { height: virtualizer.getTotalSize() } : undefined}
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
                data-release-id={s.releaseId}
                tabIndex={row.index === tabStop ? 0 : -1}
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
                onKeyDown={(e) => onRowKey(e, row.index)}
              >
                {/* The name comes from this text (label in name): "reviews in bookinfo 3 versions …". */}
                <div className="service-name">
                  {s.name} <span className="muted small">in {s.namespace}</span>
                </div>
                <div className="service-badges">
                  {b.map((x) => (
                    <span key={x}>
                      {' '}
                      <span className={`chip${/lint|read-only|managed/.test(x) ? ' chip-warn' : ''}`}>
                        {x}
                      </span>
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
