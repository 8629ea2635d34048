// Generated filler (`switchyard demo --services N`) kept as templates until first written: per
// object nothing is stored but its index; its JSON is filled from its kind's template on read.
// The first write to any object of an index makes that index's objects ordinary stored objects.
import { rfc3339At } from './compact-strings.ts';
import type { KubeObject } from './object-store.ts';
import { deepFreeze, StoredEntry } from './stored-object.ts';

/** One stored type of the filler: every index has exactly one object of it. */
export interface TemplateKind {
  /** The served type's storage key ('apps/deployments', '/pods', …). */
  readonly storageKey: string;
  /** The storage apiVersion its JSON starts with. */
  readonly apiVersion: string;
  namespace(index: number): string;
  name(index: number): string;
  /** The object's JSON (storage version, the API server's key order) at resourceVersion `rv`. */
  json(index: number, rv: number, uidOf: (index: number, kind: number) => string, time: string): string;
  /** metadata.managedFields was recorded by the store against exactly this object. */
  readonly fieldsTracked: boolean;
}

export interface TemplateSource {
  readonly count: number;
  readonly kinds: readonly TemplateKind[];
  /** The index whose objects may be named `name` (parsed from it), or -1. */
  indexOfName(name: string): number;
}

/** One filler object, read from its template. Its object and JSON are made on each read, never kept. */
export class TemplateEntry extends StoredEntry {
  constructor(
    private readonly objects: TemplateObjects,
    readonly kind: number,
    readonly index: number,
  ) {
    super(undefined, objects.rvOf(index, kind), objects.kinds[kind]?.fieldsTracked ?? false);
  }

  override get obj(): KubeObject {
    return deepFreeze(JSON.parse(this.json()) as KubeObject);
  }

  override json(): string {
    return this.objects.json(this.kind, this.index);
  }

  override key(): string {
    return this.objects.keyOf(this.kind, this.index);
  }

  protected override storedApiVersion(): string {
    return (this.objects.kinds[this.kind] as TemplateKind).apiVersion;
  }
}

/** Indices of one kind in key order, and where each namespace's run of them starts and ends. */
interface KindOrder {
  sorted: Int32Array;
  namespaces: Map<string, { from: number; to: number }>;
}

export class TemplateObjects {
  /** 1 once an index's objects became stored objects (or were deleted). */
  private readonly written: Uint8Array;
  private readonly orders: KindOrder[];
  private readonly entries: Array<Array<TemplateEntry | undefined> | undefined> = [];
  private readonly kindByKey = new Map<string, number>();
  private readonly uidPrefix: string;
  private readonly time: string;
  writtenCount = 0;

  constructor(
    private readonly source: TemplateSource,
    /** resourceVersions baseRv+1 … baseRv+count×kinds are the filler's. */
    private readonly baseRv: number,
    opts: { at?: number; uidPrefix?: string } = {},
  ) {
    this.written = new Uint8Array(source.count);
    this.time = rfc3339At(opts.at ?? Date.now());
    this.uidPrefix =
      opts.uidPrefix ??
      Math.floor(Math.random() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    source.kinds.forEach((k, i) => {
      this.kindByKey.set(k.storageKey, i);
    });
    this.orders = source.kinds.map((_, k) => this.order(k));
  }

  get kinds(): readonly TemplateKind[] {
    return this.source.kinds;
  }

  get count(): number {
    return this.source.count;
  }

  /** The highest resourceVersion the filler takes. */
  get lastRv(): number {
    return this.baseRv + this.source.count * this.source.kinds.length;
  }

  rvOf(index: number, kind: number): number {
    return this.baseRv + index * this.source.kinds.length + kind + 1;
  }

  /** A stable uid per object: a per-run prefix, the kind and the index (UUID v4 shaped). */
  readonly uidOf = (index: number, kind: number): string =>
    `${this.uidPrefix}-${kind.toString(16).padStart(4, '0')}-4000-8000-${index.toString(16).padStart(12, '0')}`;

  kindOf(storageKey: string): number | undefined {
    return this.kindByKey.get(storageKey);
  }

  keyOf(kind: number, index: number): string {
    const k = this.source.kinds[kind] as TemplateKind;
    return `${k.namespace(index)}/${k.name(index)}`;
  }

  json(kind: number, index: number): string {
    const k = this.source.kinds[kind] as TemplateKind;
    return k.json(index, this.rvOf(index, kind), this.uidOf, this.time);
  }

  isWritten(index: number): boolean {
    return this.written[index] === 1;
  }

  /** Marks an index written; true when it was still a template. */
  markWritten(index: number): boolean {
    if (this.written[index] === 1) return false;
    this.written[index] = 1;
    for (const entries of this.entries) if (entries) entries[index] = undefined;
    this.writtenCount++;
    return true;
  }

  /** The template entry at `namespace/name` of a kind, unless written. */
  entryAt(kind: number, namespace: string | undefined, name: string): TemplateEntry | undefined {
    const index = this.indexAt(kind, namespace, name);
    return index < 0 ? undefined : new TemplateEntry(this, kind, index);
  }

  /** The index of the unwritten object `namespace/name` of a kind, or -1. */
  indexAt(kind: number, namespace: string | undefined, name: string): number {
    const k = this.source.kinds[kind];
    const index = this.source.indexOfName(name);
    if (!k || index < 0 || index >= this.source.count || this.written[index] === 1) return -1;
    return k.name(index) === name && k.namespace(index) === namespace ? index : -1;
  }

  /** Unwritten indices whose objects live in `namespace` (any kind). */
  indicesIn(namespace: string): number[] {
    const range = this.orders[0]?.namespaces.get(namespace);
    if (!range) return [];
    const out: number[] = [];
    const sorted = (this.orders[0] as KindOrder).sorted;
    for (let p = range.from; p < range.to; p++) {
      const i = sorted[p] as number;
      if (this.written[i] !== 1) out.push(i);
    }
    return out;
  }

  /** `ordinary` (sorted by key) with this kind's unwritten template entries merged in key order. */
  merged(kind: number, ordinary: readonly StoredEntry[], namespace?: string): StoredEntry[] {
    const order = this.orders[kind] as KindOrder;
    let from = 0;
    let to = order.sorted.length;
    if (namespace !== undefined) {
      const range = order.namespaces.get(namespace);
      if (!range) return [...ordinary];
      from = range.from;
      to = range.to;
    }
    const out: StoredEntry[] = [];
    let o = 0;
    let nextKey = ordinary.length > 0 ? (ordinary[0] as StoredEntry).key() : undefined;
    for (let p = from; p < to; p++) {
      const index = order.sorted[p] as number;
      if (this.written[index] === 1) continue;
      if (nextKey !== undefined) {
        const key = this.keyOf(kind, index);
        while (nextKey !== undefined && nextKey < key) {
          out.push(ordinary[o++] as StoredEntry);
          nextKey = o < ordinary.length ? (ordinary[o] as StoredEntry).key() : undefined;
        }
      }
      out.push(this.entryOf(kind, index));
    }
    while (o < ordinary.length) out.push(ordinary[o++] as StoredEntry);
    return out;
  }

  /** The template entry of an unwritten object, made once: merged lists share them. */
  private entryOf(kind: number, index: number): TemplateEntry {
    let entries = this.entries[kind];
    if (!entries) {
      entries = new Array<TemplateEntry | undefined>(this.source.count);
      this.entries[kind] = entries;
    }
    let entry = entries[index];
    if (!entry) {
      entry = new TemplateEntry(this, kind, index);
      entries[index] = entry;
    }
    return entry;
  }

  private order(kind: number): KindOrder {
    const n = this.source.count;
    const keys = new Array<string>(n);
    for (let i = 0; i < n; i++) keys[i] = this.keyOf(kind, i);
    const sorted = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      const ka = keys[a] as string;
      const kb = keys[b] as string;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const k = this.source.kinds[kind] as TemplateKind;
    const namespaces = new Map<string, { from: number; to: number }>();
    for (let p = 0; p < n; p++) {
      const ns = k.namespace(sorted[p] as number);
      const range = namespaces.get(ns);
      if (range) range.to = p + 1;
      else namespaces.set(ns, { from: p, to: p + 1 });
    }
    return { sorted, namespaces };
  }
}
