// Stored FieldsV1 trees repeat the same small subtrees in every object of a kind (the fields of a
// container, of a label set, of a status): keeping one frozen copy of each is most of their memory
// in a mesh of thousands of pods. Trees are frozen once stored, so sharing them is safe.

/** Past this many distinct subtrees the table starts over, so churn cannot grow it without bound. */
const MAX_SHARED = 20_000;

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export class FieldsTreeInterner {
  private readonly shared = new Map<string, Record<string, unknown>>();
  /** An id per shared node (0 is any empty node), so a parent's key is its keys and child ids. */
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  /** Shares the trees of the managedFields entries about to be stored (stored ones are frozen). */
  internEntries(entries: unknown): void {
    if (!Array.isArray(entries)) return;
    for (const e of entries as Array<{ fieldsV1?: unknown }>) {
      if (isMap(e) && !Object.isFrozen(e) && isMap(e.fieldsV1)) e.fieldsV1 = this.intern(e.fieldsV1);
    }
  }

  /**
   * The tree with every subtree that names no list item (`k:`, `v:`, `i:` keys are mostly unique
   * to one object) replaced by a shared frozen copy. Frozen input is already stored: kept as is.
   */
  intern(tree: Record<string, unknown>): Record<string, unknown> {
    return this.visit(tree).node;
  }

  /** The node to keep and its shared id, or -1 when it is not shared. */
  private visit(node: Record<string, unknown>): { node: Record<string, unknown>; id: number } {
    const keys = Object.keys(node);
    if (keys.length === 0) return { node, id: 0 };
    if (Object.isFrozen(node)) return { node, id: this.ids.get(node) ?? -1 };
    // Built as parts and joined once: a key grown with += is a tree of cons strings that the table
    // would keep (several times the size of the flat key).
    const parts: string[] = [];
    let unique = false;
    for (const k of keys) {
      const child = node[k];
      let id = -1;
      if (isMap(child)) {
        const seen = this.visit(child);
        node[k] = seen.node;
        id = seen.id;
      }
      if (id < 0 || k.startsWith('k:') || k.startsWith('v:') || k.startsWith('i:')) unique = true;
      if (!unique) parts.push(k, '\u0001', String(id), '\u0002');
    }
    if (unique) return { node, id: -1 };
    const key = parts.join('');
    const hit = this.shared.get(key);
    if (hit) return { node: hit, id: this.ids.get(hit) ?? -1 };
    if (this.shared.size >= MAX_SHARED) this.shared.clear();
    this.shared.set(key, Object.freeze(node));
    const id = this.nextId++;
    this.ids.set(node, id);
    return { node, id };
  }
}
