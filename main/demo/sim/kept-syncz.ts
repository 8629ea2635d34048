// The demo istiod's /debug/syncz answer, kept rather than built afresh on every request: at 50,000
// services the mesh has 50,000 proxies, and building every entry (eight nonces each) for each read
// took seconds. The answer is kept per namespace, as compact JSON text, with the time until which
// it stays true: a namespace is built again only after a push (every proxy is sent it), a proxy of
// it connected or left, a stale fault took or released one, or one of its acknowledgements fell
// due. `?namespace=` answers one namespace's text as it is kept; the whole answer joins them.

import type { IstiodSync, SynczChange } from './istiod-sync.ts';

/** What kept-syncz needs of the demo istiod. */
export type SynczSource = Pick<IstiodSync, 'onChange' | 'connected' | 'applyFaults' | 'entryUntil' | 'now'>;

interface KeptNamespace {
  ids: Set<string>;
  /** Its ids in syncz's order; undefined after one connected or left. */
  sorted?: string[];
  /** Its entries as JSON text, comma-separated (no brackets); undefined when not built or no longer true. */
  text?: string;
  /** The text is true until then. */
  until: number;
}

export class KeptSyncz {
  private readonly namespaces = new Map<string, KeptNamespace>();
  private sortedNamespaces?: string[];
  private readonly unsubscribe: () => void;

  constructor(private readonly source: SynczSource) {
    for (const p of source.connected()) this.namespaceOf(p.namespace).ids.add(p.id);
    this.unsubscribe = source.onChange((c) => this.onChange(c));
  }

  dispose(): void {
    this.unsubscribe();
  }

  private namespaceOf(name: string): KeptNamespace {
    let ns = this.namespaces.get(name);
    if (!ns) {
      ns = { ids: new Set(), until: 0 };
      this.namespaces.set(name, ns);
      this.sortedNamespaces = undefined;
    }
    return ns;
  }

  private onChange(change: SynczChange): void {
    if (change.all) {
      for (const ns of this.namespaces.values()) ns.text = undefined;
      return;
    }
    const ns = this.namespaceOf(change.namespace);
    ns.text = undefined;
    if (change.connected === ns.ids.has(change.id)) return;
    if (change.connected) ns.ids.add(change.id);
    else ns.ids.delete(change.id);
    ns.sorted = undefined;
  }

  /** One namespace's entries as JSON text, comma-separated, built again only when no longer true. */
  private textOf(ns: KeptNamespace, now: number): string {
    if (ns.text !== undefined && now < ns.until) return ns.text;
    ns.sorted ??= [...ns.ids].sort();
    const parts: string[] = [];
    let until = Number.POSITIVE_INFINITY;
    for (const id of ns.sorted) {
      const kept = this.source.entryUntil(id, now);
      if (!kept) continue;
      parts.push(JSON.stringify(kept.entry));
      if (kept.until < until) until = kept.until;
    }
    ns.text = parts.join(',');
    ns.until = until;
    return ns.text;
  }

  /** The /debug/syncz body: every proxy, or one namespace's (`?namespace=`), compact JSON. */
  body(namespace?: string): string {
    this.source.applyFaults();
    const now = this.source.now();
    if (namespace !== undefined) {
      const ns = this.namespaces.get(namespace);
      return `[${ns ? this.textOf(ns, now) : ''}]`;
    }
    this.sortedNamespaces ??= [...this.namespaces.keys()].sort();
    const parts: string[] = [];
    for (const name of this.sortedNamespaces) {
      const text = this.textOf(this.namespaces.get(name) as KeptNamespace, now);
      if (text !== '') parts.push(text);
    }
    return `[${parts.join(',')}]`;
  }
}
