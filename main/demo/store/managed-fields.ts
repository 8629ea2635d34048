// Field ownership the way server-side apply records it: sets of field paths per manager,
// serialized as FieldsV1. The path primitives live in field-paths.ts; this file decides who owns
// what after a write.
import { rfc3339At } from './compact-strings.ts';
import { fieldChanges, isUnder, withoutStatus } from './field-changes.ts';
import {
  collectTreePaths,
  editFieldsV1,
  type FieldPath,
  type FieldSetOptions,
  fieldSetOf,
  fieldsTreeOf,
  fromFieldsV1,
  isMap,
  SEP,
  toFieldsV1,
} from './field-paths.ts';

export type { FieldPath, FieldSetOptions } from './field-paths.ts';
export {
  describePath,
  fieldSetOf,
  fromFieldsV1,
  listKeyOf,
  removeAt,
  toFieldsV1,
  valueAt,
} from './field-paths.ts';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Leaf paths whose value differs between two versions of an object (added, changed or removed). */
export function changedFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  opts: FieldSetOptions,
): Set<FieldPath> {
  if (!before) return fieldSetOf(after, opts);
  const { changed } = fieldChanges(before, after, opts.keyedLists);
  return opts.includeStatus ? changed : withoutStatus(changed);
}

export function entrySet(entry: ManagedFieldsEntry): Set<FieldPath> {
  return fromFieldsV1(entry.fieldsV1);
}

export function nowRfc3339(): string {
  return rfc3339At(Date.now());
}

export interface RecordUpdateOptions extends FieldSetOptions {
  subresource?: string;
  /**
   * The entries were recorded by `recordUpdate` against `before` itself, so each of their paths
   * (but `.` markers) is a field of `before`. Then only the fields under changed subtrees need
   * checking, and untouched entries are kept as they are.
   */
  entriesMatchBefore?: boolean;
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
  opts: RecordUpdateOptions,
): ManagedFieldsEntry[] {
  const time = nowRfc3339();
  const isMine = (e: ManagedFieldsEntry) =>
    e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (opts.subresource ?? '');
  const ownEntry = (fieldsV1: Record<string, unknown>): ManagedFieldsEntry => {
    const entry: ManagedFieldsEntry = {
      manager,
      operation: 'Update',
      apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1,
    };
    if (opts.subresource) entry.subresource = opts.subresource;
    return entry;
  };
  if (before && opts.entriesMatchBefore) return recordChanges(entries, isMine, ownEntry, before, after, opts);
  if (!before && entries.length === 0 && opts.includeStatus) {
    // A new object: its writer owns every field it sets.
    const tree = fieldsTreeOf(after, opts);
    return Object.keys(tree).length > 0 ? [ownEntry(tree)] : [];
  }

  const changed = changedFields(before, after, opts);
  const present =
    opts.includeStatus && !before ? changed : fieldSetOf(after, { ...opts, includeStatus: true });
  const next: ManagedFieldsEntry[] = [];
  let mine: Set<FieldPath> | undefined;
  for (const e of entries) {
    const set = entrySet(e);
    const own = isMine(e);
    for (const p of [...set]) {
      if (!present.has(p) && !p.endsWith(`${SEP}.`)) set.delete(p);
      else if (!own && changed.has(p)) set.delete(p);
    }
    if (own) {
      mine = set;
      continue;
    }
    if (set.size > 0) next.push({ ...e, fieldsV1: toFieldsV1(set) });
  }
  const changedPresent = [...changed].filter((p) => present.has(p));
  if (changedPresent.length === 0 && !mine) return next;
  const own = mine ?? new Set<FieldPath>();
  for (const p of changedPresent) own.add(p);
  if (own.size === 0) return next;
  next.push(ownEntry(toFieldsV1(own)));
  return next;
}

/** The paths of a FieldsV1 tree at or under the given `f:`-only prefixes. */
function treePathsUnder(tree: unknown, prefixes: readonly FieldPath[]): FieldPath[] {
  const out = new Set<FieldPath>();
  for (const prefix of prefixes) {
    let node: unknown = tree;
    for (const el of prefix.split(SEP)) {
      node = isMap(node) && Object.hasOwn(node, el) ? node[el] : undefined;
      if (node === undefined) break;
    }
    if (node !== undefined) collectTreePaths(node, prefix, out);
  }
  return [...out];
}

/** `recordUpdate` when the entries are known to match `before`: same result, touching only what changed. */
function recordChanges(
  entries: readonly ManagedFieldsEntry[],
  isMine: (e: ManagedFieldsEntry) => boolean,
  ownEntry: (fieldsV1: Record<string, unknown>) => ManagedFieldsEntry,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  opts: RecordUpdateOptions,
): ManagedFieldsEntry[] {
  const diff = fieldChanges(before, after, opts.keyedLists);
  const changed = opts.includeStatus ? diff.changed : withoutStatus(diff.changed);
  // Every changed path lies under a rewalked prefix, where the new object's fields are known.
  const present = (p: FieldPath) => !isUnder(p, diff.rewalked) || diff.afterPaths.has(p);
  const next: ManagedFieldsEntry[] = [];
  let mine: { entry: ManagedFieldsEntry; touched: FieldPath[]; dropped: FieldPath[] } | undefined;
  for (const e of entries) {
    const own = isMine(e);
    const touched = diff.rewalked.length > 0 ? treePathsUnder(e.fieldsV1, diff.rewalked) : [];
    const dropped = touched.filter(
      (p) => (!p.endsWith(`${SEP}.`) && !present(p)) || (!own && changed.has(p)),
    );
    if (own) {
      mine = { entry: e, touched, dropped };
      continue;
    }
    if (dropped.length === 0) {
      next.push(e);
      continue;
    }
    const fieldsV1 = editFieldsV1(e.fieldsV1, dropped, []);
    if (Object.keys(fieldsV1).length > 0) next.push({ ...e, fieldsV1 });
  }
  const changedPresent = [...changed].filter((p) => diff.afterPaths.has(p));
  if (changedPresent.length === 0 && !mine) return next;
  if (mine && mine.dropped.length === 0) {
    const held = new Set(mine.touched);
    if (changedPresent.every((p) => held.has(p))) {
      next.push(ownEntry(mine.entry.fieldsV1));
      return next;
    }
  }
  const own = mine
    ? editFieldsV1(mine.entry.fieldsV1, mine.dropped, changedPresent)
    : toFieldsV1(changedPresent);
  if (Object.keys(own).length > 0) next.push(ownEntry(own));
  return next;
}

/** The manager name the API server derives from a User-Agent when no fieldManager is given. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown';
  const first = userAgent.split('/')[0]?.trim() ?? '';
  return first.slice(0, 128) || 'unknown';
}
