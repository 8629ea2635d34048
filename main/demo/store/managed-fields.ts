// Field ownership the way server-side apply records it: sets of field paths per manager,
// serialized as FieldsV1 (`f:name`, `k:{"name":"x"}`, `v:"x"`, `i:0`, `.`).
// Lists are atomic (one leaf), except in built-in kinds where items carry a merge key (name,
// containerPort, port): those are associative, like the real API's `+listType=map`.

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** A path as its FieldsV1 elements joined by newlines (JSON in `k:`/`v:` never holds a raw newline). */
export type FieldPath = string;
const SEP = '\n';

const ignoredMetadata = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The merge key of a list in a built-in kind, or undefined when the list is atomic. */
export function listKeyOf(
  items: unknown[],
): ((item: Record<string, unknown>) => Record<string, unknown>) | undefined {
  if (items.length === 0 || !items.every(isMap)) return undefined;
  const all = (f: string) => items.every((i) => (i as Record<string, unknown>)[f] !== undefined);
  if (all('name') && !all('containerPort') && !all('port')) return (i) => ({ name: i.name });
  if (all('containerPort')) return (i) => ({ containerPort: i.containerPort, protocol: i.protocol ?? 'TCP' });
  if (all('port')) return (i) => ({ port: i.port, protocol: i.protocol ?? 'TCP' });
  if (all('name')) return (i) => ({ name: i.name });
  return undefined;
}

function sortedJson(o: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))));
}

export interface FieldSetOptions {
  keyedLists: boolean;
  includeStatus?: boolean;
}

/** Leaf paths of every field set in `obj`, skipping identity metadata (and status unless asked). */
export function fieldSetOf(obj: Record<string, unknown>, opts: FieldSetOptions): Set<FieldPath> {
  const out = new Set<FieldPath>();
  const walk = (value: unknown, prefix: string) => {
    if (isMap(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0) {
        if (prefix) out.add(prefix);
        return;
      }
      for (const k of keys) walk(value[k], prefix ? `${prefix}${SEP}f:${k}` : `f:${k}`);
      return;
    }
    if (Array.isArray(value) && opts.keyedLists) {
      const key = listKeyOf(value);
      if (key) {
        for (const item of value as Record<string, unknown>[]) {
          const p = `${prefix}${SEP}k:${sortedJson(key(item))}`;
          out.add(`${p}${SEP}.`);
          walk(item, p);
        }
        return;
      }
    }
    out.add(prefix);
  };
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'status' && !opts.includeStatus) continue;
    if (k === 'metadata' && isMap(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (!ignoredMetadata.has(mk)) walk(mv, `f:metadata${SEP}f:${mk}`);
      }
      continue;
    }
    walk(v, `f:${k}`);
  }
  return out;
}

function elementsOf(path: FieldPath): string[] {
  return path.split(SEP);
}

function findKeyed(list: unknown[], keyJson: string): number {
  const want = JSON.parse(keyJson) as Record<string, unknown>;
  return list.findIndex(
    (item) =>
      isMap(item) &&
      Object.entries(want).every(([k, v]) => (item[k] ?? (k === 'protocol' ? 'TCP' : undefined)) === v),
  );
}

/** The value at a path, or undefined when any step is missing. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const el of elementsOf(path)) {
    if (el === '.') return cur;
    const tag = el.slice(0, 2);
    const body = el.slice(2);
    if (tag === 'f:') {
      if (!isMap(cur)) return undefined;
      cur = cur[body];
    } else if (Array.isArray(cur)) {
      const i =
        tag === 'k:'
          ? findKeyed(cur, body)
          : tag === 'v:'
            ? cur.findIndex((x) => JSON.stringify(x) === body)
            : Number(body);
      if (i < 0) return undefined;
      cur = cur[i];
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the field at a path (in place); a keyed path ending in `.` removes the whole item. */
export function removeAt(obj: unknown, path: FieldPath): void {
  const els = elementsOf(path);
  if (els[els.length - 1] === '.') els.pop();
  let cur: unknown = obj;
  for (let n = 0; n < els.length; n++) {
    const el = els[n] ?? '';
    const last = n === els.length - 1;
    const tag = el.slice(0, 2);
    const body = el.slice(2);
    if (tag === 'f:') {
      if (!isMap(cur)) return;
      if (last) {
        delete cur[body];
        return;
      }
      cur = cur[body];
    } else if (Array.isArray(cur)) {
      const i =
        tag === 'k:'
          ? findKeyed(cur, body)
          : tag === 'v:'
            ? cur.findIndex((x) => JSON.stringify(x) === body)
            : Number(body);
      if (i < 0) return;
      if (last) {
        cur.splice(i, 1);
        return;
      }
      cur = cur[i];
    } else return;
  }
}

export function toFieldsV1(set: Iterable<FieldPath>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of set) {
    let node = root;
    for (const el of elementsOf(path)) {
      node[el] ??= {};
      node = node[el] as Record<string, unknown>;
    }
  }
  return root;
}

export function fromFieldsV1(tree: unknown): Set<FieldPath> {
  const out = new Set<FieldPath>();
  const walk = (node: unknown, prefix: string) => {
    if (!isMap(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 0) {
      if (prefix) out.add(prefix);
      return;
    }
    for (const k of keys) {
      if (k === '.') out.add(prefix ? `${prefix}${SEP}.` : '.');
      else walk(node[k], prefix ? `${prefix}${SEP}${k}` : k);
    }
  };
  walk(tree, '');
  return out;
}

/** Human form of a path, as conflicts print it: `.spec.http`, `.spec.containers[name="app"].image`. */
export function describePath(path: FieldPath): string {
  return elementsOf(path)
    .filter((el) => el !== '.')
    .map((el) => {
      const body = el.slice(2);
      if (el.startsWith('f:')) return `.${body}`;
      if (el.startsWith('k:')) {
        const key = JSON.parse(body) as Record<string, unknown>;
        return `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return `[${body}]`;
    })
    .join('');
}

/** Leaf paths whose value differs between two versions of an object (added, changed or removed). */
export function changedFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  opts: FieldSetOptions,
): Set<FieldPath> {
  const afterSet = fieldSetOf(after, opts);
  if (!before) return afterSet;
  const out = new Set<FieldPath>();
  for (const p of afterSet) {
    if (JSON.stringify(valueAt(before, p)) !== JSON.stringify(valueAt(after, p))) out.add(p);
  }
  for (const p of fieldSetOf(before, opts)) {
    if (!afterSet.has(p)) out.add(p);
  }
  return out;
}

export function entrySet(entry: ManagedFieldsEntry): Set<FieldPath> {
  return fromFieldsV1(entry.fieldsV1);
}

export function nowRfc3339(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/**
 * Ownership after a non-apply write by `manager`: it takes every field it changed; everyone
 * else loses those fields, and fields no longer in the object are dropped from all entries.
 */
export function recordUpdate(
  entries: readonly ManagedFieldsEntry[],
  manager: string,
  apiVersion: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  opts: FieldSetOptions & { subresource?: string },
): ManagedFieldsEntry[] {
  const changed = changedFields(before, after, opts);
  const present = fieldSetOf(after, { ...opts, includeStatus: true });
  const time = nowRfc3339();
  const next: ManagedFieldsEntry[] = [];
  let mine: Set<FieldPath> | undefined;
  for (const e of entries) {
    const set = entrySet(e);
    const isMine =
      e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (opts.subresource ?? '');
    for (const p of [...set]) {
      if (!present.has(p) && !p.endsWith(`${SEP}.`)) set.delete(p);
      else if (!isMine && changed.has(p)) set.delete(p);
    }
    if (isMine) {
      mine = set;
      continue;
    }
    if (set.size > 0) next.push(set === undefined ? e : { ...e, fieldsV1: toFieldsV1(set) });
  }
  const changedPresent = [...changed].filter((p) => present.has(p));
  if (changedPresent.length === 0 && !mine) return next;
  const own = mine ?? new Set<FieldPath>();
  for (const p of changedPresent) own.add(p);
  if (own.size === 0) return next;
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Update',
    apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(own),
  };
  if (opts.subresource) entry.subresource = opts.subresource;
  next.push(entry);
  return next;
}

/** The manager name the API server derives from a User-Agent when no fieldManager is given. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown';
  const first = userAgent.split('/')[0]?.trim() ?? '';
  return first.slice(0, 128) || 'unknown';
}
