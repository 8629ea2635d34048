// The objects of one stored type, indexed for the reads the API server makes at scale: by key, and
// as lists sorted by key (all namespaces and per namespace) that stay sorted under writes.
import type { StoredEntry } from './stored-object.ts';

/** Where one object sits in the sorted lists; replacing its entry keeps its place. */
interface Slot {
  readonly key: string;
  entry: StoredEntry;
}

/**
 * Slots sorted by key (`namespace/name`, or `name` when cluster-scoped: the byte order etcd lists
 * in, which continue tokens rely on). Adding and removing find their place by binary search; an
 * update only swaps the entry in its slot. Readers get an array of entries made on first read
 * after a change, which later writes never touch, so a reader can keep iterating it.
 */
export class SortedEntries {
  private readonly slots: Slot[] = [];
  private snapshot: StoredEntry[] | undefined;

  get size(): number {
    return this.slots.length;
  }

  /** The current entries in key order; a read-only snapshot. */
  view(): readonly StoredEntry[] {
    if (!this.snapshot) {
      const out = new Array<StoredEntry>(this.slots.length);
      for (let i = 0; i < out.length; i++) out[i] = (this.slots[i] as Slot).entry;
      this.snapshot = out;
    }
    return this.snapshot;
  }

  /** Called after a slot's entry was replaced. */
  changed(): void {
    this.snapshot = undefined;
  }

  insert(slot: Slot): void {
    this.snapshot = undefined;
    const n = this.slots.length;
    // Seeds and generated names mostly arrive in order: appending skips the search.
    if (n === 0 || (this.slots[n - 1] as Slot).key < slot.key) this.slots.push(slot);
    else this.slots.splice(this.place(slot.key), 0, slot);
  }

  remove(key: string): void {
    const i = this.place(key);
    if (this.slots[i]?.key !== key) return;
    this.snapshot = undefined;
    this.slots.splice(i, 1);
  }

  /** The first index whose key is not less than `key`. */
  private place(key: string): number {
    let lo = 0;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.slots[mid] as Slot).key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const none: readonly StoredEntry[] = Object.freeze([]);

/** One stored type: entries by key, in key order, and in key order per namespace. */
export class TypeIndex {
  private readonly byKey = new Map<string, Slot>();
  private readonly all = new SortedEntries();
  private readonly byNamespace = new Map<string, SortedEntries>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): StoredEntry | undefined {
    return this.byKey.get(key)?.entry;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  set(key: string, entry: StoredEntry): void {
    const ns = entry.obj.metadata.namespace;
    const slot = this.byKey.get(key);
    if (slot) {
      slot.entry = entry;
      this.all.changed();
      if (ns !== undefined) this.byNamespace.get(ns)?.changed();
      return;
    }
    const added: Slot = { key, entry };
    this.byKey.set(key, added);
    this.all.insert(added);
    if (ns === undefined) return;
    let list = this.byNamespace.get(ns);
    if (!list) {
      list = new SortedEntries();
      this.byNamespace.set(ns, list);
    }
    list.insert(added);
  }

  delete(key: string): void {
    const slot = this.byKey.get(key);
    if (!slot) return;
    this.byKey.delete(key);
    this.all.remove(key);
    const ns = slot.entry.obj.metadata.namespace;
    if (ns === undefined) return;
    const list = this.byNamespace.get(ns);
    list?.remove(key);
    if (list?.size === 0) this.byNamespace.delete(ns);
  }

  /** Entries in key order: every one, or those of one namespace. */
  entries(namespace?: string): readonly StoredEntry[] {
    if (namespace === undefined) return this.all.view();
    return this.byNamespace.get(namespace)?.view() ?? none;
  }
}
