// Field paths as server-side apply records them (FieldsV1 elements: `f:name`, `k:{"name":"x"}`,
// `v:"x"`, `i:0`, `.`): which paths an object sets, reading and removing the value at a path, and
// the FieldsV1 tree form. Lists are atomic (one leaf), except in built-in kinds where items carry
// a merge key (name, containerPort, port): those are associative, like `+listType=map`.

import { UNOWNED_METADATA } from '../../../shared/mesh/model/index.ts';

/** A path as its FieldsV1 elements joined by newlines (JSON in `k:`/`v:` never holds a raw newline). */
export type FieldPath = string;
export const SEP = '\n';

/** Identity metadata nobody owns. */
export const ignoredMetadata: ReadonlySet<string> = new Set(UNOWNED_METADATA);

export function isMap(v: unknown): v is Record<string, unknown> {
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

/** Adds the leaf paths under `value` (found at `prefix`) to `out`, as `fieldSetOf` walks them. */
export function collectPaths(value: unknown, prefix: string, keyedLists: boolean, out: Set<FieldPath>): void {
  if (isMap(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) {
      if (prefix) out.add(prefix);
      return;
    }
    for (const k of keys)
      collectPaths(value[k], prefix ? `${prefix}${SEP}f:${k}` : `f:${k}`, keyedLists, out);
    return;
  }
  if (Array.isArray(value) && keyedLists) {
    const key = listKeyOf(value);
    if (key) {
      for (const item of value as Record<string, unknown>[]) {
        const p = `${prefix}${SEP}k:${sortedJson(key(item))}`;
        out.add(`${p}${SEP}.`);
        collectPaths(item, p, keyedLists, out);
      }
      return;
    }
  }
  out.add(prefix);
}

/** Leaf paths under a metadata value, skipping identity fields (the top-level rule for `metadata`). */
export function collectMetadataPaths(value: unknown, keyedLists: boolean, out: Set<FieldPath>): void {
  if (!isMap(value)) {
    collectPaths(value, 'f:metadata', keyedLists, out);
    return;
  }
  for (const [mk, mv] of Object.entries(value)) {
    if (!ignoredMetadata.has(mk)) collectPaths(mv, `f:metadata${SEP}f:${mk}`, keyedLists, out);
  }
}

/** Leaf paths of every field set in `obj`, skipping identity metadata (and status unless asked). */
export function fieldSetOf(obj: Record<string, unknown>, opts: FieldSetOptions): Set<FieldPath> {
  const out = new Set<FieldPath>();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'status' && !opts.includeStatus) continue;
    if (k === 'metadata') collectMetadataPaths(v, opts.keyedLists, out);
    else collectPaths(v, `f:${k}`, opts.keyedLists, out);
  }
  return out;
}

export function elementsOf(path: FieldPath): string[] {
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

/** One frozen `{}` for every leaf: most of a FieldsV1 tree is leaves, and stored objects are frozen anyway. */
const leaf: Record<string, unknown> = Object.freeze({});

export function toFieldsV1(set: Iterable<FieldPath>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of set) {
    let node = root;
    const els = elementsOf(path);
    for (let i = 0; i < els.length; i++) {
      const el = els[i] as string;
      let child = node[el] as Record<string, unknown> | undefined;
      if (child === undefined || (child === leaf && i < els.length - 1)) {
        child = i === els.length - 1 ? leaf : {};
        node[el] = child;
      }
      node = child;
    }
  }
  return root;
}

/**
 * `toFieldsV1(fieldSetOf(obj, opts))` built in one walk, without making the path strings: the
 * ownership of a new object is every field it sets.
 */
export function fieldsTreeOf(obj: Record<string, unknown>, opts: FieldSetOptions): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const node = (parent: Record<string, unknown>, el: string) => {
    let child = parent[el] as Record<string, unknown> | undefined;
    if (child === undefined || child === leaf) {
      child = {};
      parent[el] = child;
    }
    return child;
  };
  const build = (value: unknown, parent: Record<string, unknown>, el: string): void => {
    if (isMap(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0) {
        parent[el] ??= leaf;
        return;
      }
      const child = node(parent, el);
      for (const k of keys) build(value[k], child, `f:${k}`);
      return;
    }
    if (Array.isArray(value) && opts.keyedLists) {
      const key = listKeyOf(value);
      if (key) {
        const child = node(parent, el);
        for (const item of value as Record<string, unknown>[]) {
          const itemEl = `k:${sortedJson(key(item))}`;
          node(child, itemEl)['.'] ??= leaf;
          build(item, child, itemEl);
        }
        return;
      }
    }
    parent[el] ??= leaf;
  };
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'status' && !opts.includeStatus) continue;
    if (k !== 'metadata') build(v, root, `f:${k}`);
    else if (!isMap(v)) build(v, root, 'f:metadata');
    else {
      const meta: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v)) if (!ignoredMetadata.has(mk)) build(mv, meta, `f:${mk}`);
      if (Object.keys(meta).length > 0) root['f:metadata'] = meta;
    }
  }
  return root;
}

/**
 * `toFieldsV1` of the tree's paths minus `remove`, plus `add` (appended in order), for a tree
 * `toFieldsV1` made. Only the nodes along the edited paths are copied; the rest stay shared.
 */
export function editFieldsV1(
  tree: Record<string, unknown>,
  remove: Iterable<FieldPath>,
  add: Iterable<FieldPath>,
): Record<string, unknown> {
  const root: Record<string, unknown> = { ...tree };
  const copies = new Set<object>([root]);
  const writable = (parent: Record<string, unknown>, el: string): Record<string, unknown> => {
    const child = parent[el];
    if (isMap(child) && copies.has(child)) return child;
    const copy = isMap(child) && child !== leaf ? { ...child } : {};
    parent[el] = copy;
    copies.add(copy);
    return copy;
  };
  for (const path of remove) {
    const els = elementsOf(path);
    const stack = [root];
    let node = root;
    for (let i = 0; i < els.length - 1 && node; i++) {
      const el = els[i] as string;
      node = isMap(node[el]) && Object.hasOwn(node, el) ? writable(node, el) : (undefined as never);
      if (node) stack.push(node);
    }
    const last = els[els.length - 1] as string;
    if (!node || !Object.hasOwn(node, last)) continue;
    delete node[last];
    // A node left without paths is gone, as rebuilding from the remaining paths would leave it.
    for (let i = stack.length - 1; i > 0 && Object.keys(stack[i] as object).length === 0; i--) {
      delete (stack[i - 1] as Record<string, unknown>)[els[i - 1] as string];
    }
  }
  for (const path of add) {
    const els = elementsOf(path);
    let node = root;
    for (let i = 0; i < els.length - 1; i++) node = writable(node, els[i] as string);
    node[els[els.length - 1] as string] ??= leaf;
  }
  return root;
}

/** Adds the paths of a FieldsV1 (sub)tree found at `prefix` to `out`. */
export function collectTreePaths(node: unknown, prefix: string, out: Set<FieldPath>): void {
  if (!isMap(node)) return;
  const keys = Object.keys(node);
  if (keys.length === 0) {
    if (prefix) out.add(prefix);
    return;
  }
  for (const k of keys) {
    if (k === '.') out.add(prefix ? `${prefix}${SEP}.` : '.');
    else collectTreePaths(node[k], prefix ? `${prefix}${SEP}${k}` : k, out);
  }
}

export function fromFieldsV1(tree: unknown): Set<FieldPath> {
  const out = new Set<FieldPath>();
  collectTreePaths(tree, '', out);
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
