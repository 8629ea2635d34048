// Settling the overlaps of a three-way merge, one conflict path at a time. Taking the cluster's
// value makes the draft (ours) hold the live value there, so both sides agree; taking the draft's
// makes the base hold the live value there, so only the draft changed it and the draft wins. Either
// way the rest of the merge is untouched, and a resolution for a place that is not a conflict is
// refused: it would otherwise silently do nothing, or settle a question nobody asked.

import type { JsonPatchOp, KubeObject } from '../mesh/model/index.ts';
import { deepClone, deepEqual, isPlainObject, parsePointer } from '../mesh/model/index.ts';
import type { MergeConflict, ObjectKey, ObjectMerge, ObjectsMergeResult } from './three-way-merge.ts';
import { mergeObjects, mergeThreeWay, objectKeyOf } from './three-way-merge.ts';

export type ResolutionSide = 'draft' | 'live';

export interface PathResolution {
  /** A conflict's path (JSON pointer; '' for the whole object). */
  path: string;
  take: ResolutionSide;
}

export interface ObjectResolution extends PathResolution {
  kind: string;
  namespace: string;
  name: string;
}

/** A resolution that does not match a conflict (or contradicts another). */
export class MergeResolutionError extends Error {
  override name = 'MergeResolutionError';
}

function pathText(path: string): string {
  return path === '' ? '(the whole object)' : path;
}

/** A copy of `doc` holding `value` at `path` (removed there when undefined); '' replaces the whole. */
export function withValueAt(doc: unknown, path: string, value: unknown): unknown {
  if (path === '') return deepClone(value);
  const tokens = parsePointer(path);
  const last = tokens.pop() as string;
  const root: unknown = doc === undefined ? {} : deepClone(doc);
  let parent = root;
  for (const t of tokens) {
    const next: unknown = Array.isArray(parent)
      ? parent[Number(t)]
      : isPlainObject(parent)
        ? parent[t]
        : undefined;
    if (next !== undefined) {
      parent = next;
      continue;
    }
    if (value === undefined) return root;
    if (!isPlainObject(parent)) throw new MergeResolutionError(`cannot set ${path}: no container at ${t}`);
    const made: Record<string, unknown> = {};
    parent[t] = made;
    parent = made;
  }
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length)
      throw new MergeResolutionError(`cannot set ${path}: index out of range`);
    if (value === undefined) {
      if (i < parent.length) parent.splice(i, 1);
    } else if (i < parent.length) parent[i] = deepClone(value);
    else parent.push(deepClone(value));
  } else if (isPlainObject(parent)) {
    if (value === undefined) delete parent[last];
    else parent[last] = deepClone(value);
  } else throw new MergeResolutionError(`cannot set ${path}: its parent is not an object or a list`);
  return root;
}

function checkOne(conflicts: readonly MergeConflict[], r: PathResolution, where: string): MergeConflict {
  const c = conflicts.find((x) => x.path === r.path);
  if (c) return c;
  const known = conflicts.map((x) => pathText(x.path)).join(', ');
  throw new MergeResolutionError(
    `${where}: ${pathText(r.path)} is not a conflict (${known ? `the conflicts are at ${known}` : 'nothing conflicts there'})`,
  );
}

function noDuplicates(resolutions: readonly PathResolution[], where: string): void {
  const seen = new Set<string>();
  for (const r of resolutions) {
    if (seen.has(r.path)) throw new MergeResolutionError(`${where}: ${pathText(r.path)} is resolved twice`);
    seen.add(r.path);
  }
}

/**
 * The base and ours of a document after settling some of its conflicts (`theirs` is never changed).
 * Throws MergeResolutionError for a path that is not one of the merge's conflicts.
 */
export function resolveDocument(
  base: unknown,
  ours: unknown,
  theirs: unknown,
  resolutions: readonly PathResolution[],
  where = 'resolution',
): { base: unknown; ours: unknown } {
  noDuplicates(resolutions, where);
  const r = mergeThreeWay(base, ours, theirs);
  const conflicts = r.ok ? [] : r.conflicts;
  let b = base;
  let o = ours;
  for (const res of resolutions) {
    const c = checkOne(conflicts, res, where);
    if (res.take === 'live') o = withValueAt(o, res.path, c.theirs);
    else b = withValueAt(b, res.path, c.theirs);
  }
  return { base: b, ours: o };
}

function keyText(k: Pick<ObjectKey, 'kind' | 'namespace' | 'name'>): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

function indexByKey(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [keyText(objectKeyOf(o)), o]));
}

/** One object merged as mergeObjects does, from a base that may be partial (or absent). */
function mergeOne(
  key: ObjectKey,
  base: unknown,
  ours: KubeObject | undefined,
  theirs: KubeObject | undefined,
): ObjectMerge | null {
  if (ours === undefined) return null;
  if (base !== undefined && deepEqual(base, ours))
    return theirs ? { key, outcome: 'unchanged', live: theirs } : null;
  if (!theirs) {
    return base === undefined
      ? { key, outcome: 'create', merged: ours }
      : { key, outcome: 'conflict', conflicts: [{ path: '', base, ours, theirs: undefined }] };
  }
  const r = mergeThreeWay(base ?? {}, ours, theirs);
  if (!r.ok) return { key, outcome: 'conflict', conflicts: r.conflicts };
  const rv = theirs.metadata.resourceVersion;
  const guard: JsonPatchOp[] =
    rv === undefined ? [] : [{ op: 'test', path: '/metadata/resourceVersion', value: rv }];
  return {
    key,
    outcome: 'merged',
    merged: r.merged as KubeObject,
    patch: r.patch.length > 0 ? [...guard, ...r.patch] : [],
  };
}

/**
 * mergeObjects with conflicts settled. Taking the cluster's side at '' of an object deleted live
 * drops the draft's change to it (the object leaves the result); taking the draft's side there
 * creates it again. Throws MergeResolutionError for a resolution that matches no conflict.
 */
export function mergeObjectsResolved(
  base: readonly KubeObject[],
  ours: readonly KubeObject[],
  theirs: readonly KubeObject[],
  resolutions: readonly ObjectResolution[],
): ObjectsMergeResult {
  const first = mergeObjects(base, ours, theirs);
  if (resolutions.length === 0) return first;
  const byObject = new Map<string, ObjectResolution[]>();
  for (const r of resolutions) byObject.set(keyText(r), [...(byObject.get(keyText(r)) ?? []), r]);
  for (const [k, rs] of byObject) {
    const found = first.objects.find((m) => keyText(m.key) === k);
    const r = rs[0] as ObjectResolution;
    if (found?.outcome !== 'conflict')
      throw new MergeResolutionError(
        `${r.kind} ${r.namespace}/${r.name} ${found ? 'has no conflict to resolve' : 'is not among the objects the draft changes'}`,
      );
  }
  const b = indexByKey(base);
  const o = indexByKey(ours);
  const t = indexByKey(theirs);
  const objects: ObjectMerge[] = [];
  for (const m of first.objects) {
    const k = keyText(m.key);
    const rs = byObject.get(k);
    if (m.outcome !== 'conflict' || !rs) {
      objects.push(m);
      continue;
    }
    const bo = b.get(k);
    const to = t.get(k);
    const where = `${m.key.kind} ${m.key.namespace}/${m.key.name}`;
    // An object the draft creates that appeared live meanwhile merges from an empty base, as in
    // mergeObjects; a resolution taking the draft's side fills that base where it applies.
    const resolved = resolveDocument(bo ?? {}, o.get(k), to, rs, where);
    const merged = mergeOne(m.key, resolved.base, resolved.ours as KubeObject | undefined, to);
    if (merged) objects.push(merged);
  }
  return { ok: objects.every((x) => x.outcome !== 'conflict'), objects };
}
