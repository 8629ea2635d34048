import { type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';
import type { ContextSummary } from '../../../../shared/api/contract.ts';
import { useTypedBeforeHydration } from '../../ssr/use-typed-before-hydration.ts';
import type { ClustersStore } from '../../stores/clusters-store.ts';
import { orderContexts } from '../../stores/clusters-store.ts';
import { statusLabels } from './status-badge.tsx';

/** The searchable cluster combobox: recently used first, each context with its live status. */
export function ClusterSwitcher({ store }: { store: ClustersStore }) {
  const contexts = store((s) => s.contexts);
  const activeId = store((s) => s.activeContextId);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [highlight, setHighlight] = useState(0);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const active = contexts.find((c) => c.id === activeId);
  useTypedBeforeHydration(input, query, (typed, focused) => {
    setQuery(typed);
    setHighlight(0);
    setOpen(focused || typed !== '');
  });

  const options = useMemo(() => {
    const q = query.trim().toLowerCase();
    return orderContexts(contexts).filter(
      (c) => q === '' || c.name.toLowerCase().includes(q) || c.cluster.toLowerCase().includes(q),
    );
  }, [contexts, query]);

  const choose = (c: ContextSummary | undefined) => {
    if (!c) return;
    setOpen(false);
    setQuery('');
    void store.getState().switchTo(c.id);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setHighlight((h) => Math.min(options.length - 1, h + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setHighlight((h) => Math.max(0, h - 1));
    } else if (e.key === 'Enter' && open) {
      e.preventDefault();
      choose(options[highlight]);
    } else if (e.key === 'Escape') {
      setOpen(false);
      setQuery('');
    }
  };

  return (
    <div className="cluster-switcher" ref={box}>
      <input
        ref={input}
        role="combobox"
        aria-label="Cluster"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        // The box is in the server's HTML: no browser form-state restore of an old query into it.
        autoComplete="off"
        aria-activedescendant={open && options[highlight] ? `${listId}-${highlight}` : undefined}
        placeholder={active ? `${active.name} · ${statusLabels[active.status]}` : 'Choose a cluster…'}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setHighlight(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={(e) => {
          // Focus left the switcher (Tab, a click elsewhere): the popup closes. Clicks on an
          // option keep the focus here (mousedown is prevented), so they still choose.
          if (e.relatedTarget instanceof Node && box.current?.contains(e.relatedTarget)) return;
          setOpen(false);
          setQuery('');
        }}
        onKeyDown={onKeyDown}
      />
      {active && (
        <span className={`badge badge-${active.status}`} title={active.statusReason}>
          {statusLabels[active.status]}
        </span>
      )}
      {open && (
        <div role="listbox" id={listId} aria-label="Clusters to switch to" className="combo-list">
          {options.length === 0 && <div className="muted">No cluster matches “{query}”</div>}
          {options.map((c, i) => (
            <div
              key={c.id}
              tabIndex={-1}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={c.id === activeId}
              className={i === highlight ? 'is-highlighted' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(c)}
              onKeyDown={(e) => e.key === 'Enter' && choose(c)}
            >
              {/* The name comes from this text (label in name): "Demo mesh: Connected …". */}
              <span className="context-name">{c.name}:</span>
              <span className={`badge badge-${c.status}`}>{statusLabels[c.status]}</span>
              {c.statusReason && <span className="muted small"> {c.statusReason}</span>}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
