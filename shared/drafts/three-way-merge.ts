// Three-way merge of JSON documents (base, ours, theirs) by JSON Patch paths: the draft's change
// (ours) is replayed onto the live object (theirs) when the two touched different places, and every
// place both touched is a conflict showing the three values. Array indices do not identify elements,
// so a change that alters an array's length claims the whole array: an insertion shifts indices,
// and merging by index beside it could graft one rule's fields onto another.

import type { JsonPatchOp, KubeObject } from '../mesh/model/index.ts';
import {
  applyJsonPatch,
  deepEqual,
  diffToJsonPatch,
  formatPointer,
  getAtPointer,
  parsePointer,
} from '../mesh/model/index.ts';

export interface MergeConflict {
  /** The place both sides changed (the shorter of the two overlapping paths). */
  path: string;
  /** Values at `path`; undefined where the path does not exist on that side. */
  base: unknown;
  ours: unknown;
  theirs: unknown;
}

export type ThreeWayResult =
  | {
      ok: true;
      /** theirs with our change applied. */
      merged: unknown;
      /** Ours rebased onto theirs: `test` on every value it replaces or removes (as theirs has it), then the changes. */
      patch: JsonPatchOp[];
    }
  | { ok: false; conflicts: MergeConflict[] };

/**
 * The path an operation claims: cut at the first array whose length this side changed. A Gateway
 * API backendRef's weight claims its whole `backendRefs` list: the weights are relative, one value
 * together, so our 3:1 merged beside their 1:3 would make a 3:3 neither side asked for.
 */
function claimOf(path: string, base: unknown, after: unknown): string[] {
  const tokens = parsePointer(path);
  for (let i = 0; i < tokens.length; i++) {
    const prefix = tokens.slice(0, i);
    const b = getAtPointer(base, prefix);
    const a = getAtPointer(after, prefix);
    if (Array.isArray(b) && Array.isArray(a) && a.length !== b.length) return prefix;
  }
  const n = tokens.length;
  if (n >= 3 && tokens[n - 1] === 'weight' && tokens[n - 3] === 'backendRefs') return tokens.slice(0, n - 2);
  return tokens;
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  return a.length <= b.length && a.every((t, i) => t === b[i]);
}

function dedupe(claims: string[][]): string[][] {
  const seen = new Set<string>();
  return claims.filter((c) => {
    const k = formatPointer(c);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Merges `ours` (base → ours) into `theirs` (base → theirs). Two changes overlap when one path is
 * a prefix of the other (or they are the same); an overlap where both sides ended at the same value
 * is agreement, not a conflict.
 */
export function mergeThreeWay(base: unknown, ours: unknown, theirs: unknown): ThreeWayResult {
  const oursOps = diffToJsonPatch(base, ours);
  const theirsOps = diffToJsonPatch(base, theirs);
  const oursClaims = dedupe(oursOps.map((op) => claimOf(op.path, base, ours)));
  const theirsClaims = dedupe(theirsOps.map((op) => claimOf(op.path, base, theirs)));
  const conflicts: MergeConflict[] = [];
  const reported = new Set<string>();
  for (const o of oursClaims) {
    for (const t of theirsClaims) {
      if (!isPrefix(o, t) && !isPrefix(t, o)) continue;
      const at = o.length <= t.length ? o : t;
      if (deepEqual(getAtPointer(ours, at), getAtPointer(theirs, at))) continue;
      const path = formatPointer(at);
      if (reported.has(path)) continue;
      reported.add(path);
      conflicts.push({
        path,
        base: getAtPointer(base, at),
        ours: getAtPointer(ours, at),
        theirs: getAtPointer(theirs, at),
      });
    }
  }
  if (conflicts.length > 0) return { ok: false, conflicts };
  // Where theirs already holds our value (both made the same change) our ops are dropped: a
  // `remove` of what theirs removed would fail and an append would duplicate.
  const pending = oursOps.filter((op) => {
    const at = claimOf(op.path, base, ours);
    return !deepEqual(getAtPointer(ours, at), getAtPointer(theirs, at));
  });
  const tests: JsonPatchOp[] = [];
  for (const op of pending) {
    if (op.op === 'replace' || op.op === 'remove')
      tests.push({ op: 'test', path: op.path, value: getAtPointer(theirs, op.path) });
  }
  const patch = [...tests, ...pending];
  return { ok: true, merged: applyJsonPatch(theirs, patch), patch };
}

export interface ObjectKey {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export type ObjectMerge =
  | { key: ObjectKey; outcome: 'unchanged'; live: KubeObject }
  | { key: ObjectKey; outcome: 'merged'; merged: KubeObject; patch: JsonPatchOp[] }
  | { key: ObjectKey; outcome: 'create'; merged: KubeObject }
  | { key: ObjectKey; outcome: 'conflict'; conflicts: MergeConflict[] };

export interface ObjectsMergeResult {
  ok: boolean;
  objects: ObjectMerge[];
}

export function objectKeyOf(o: KubeObject): ObjectKey {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata.namespace || 'default',
    name: o.metadata.name,
  };
}

function keyText(k: ObjectKey): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

/**
 * Merges a set of drafted objects: each object the draft changed or created is merged with its live
 * copy. An object the draft changed that is gone live, or one it creates that now exists live with
 * different content, is a conflict at the root path.
 */
export function mergeObjects(
  base: readonly KubeObject[],
  ours: readonly KubeObject[],
  theirs: readonly KubeObject[],
): ObjectsMergeResult {
  const index = (xs: readonly KubeObject[]) => new Map(xs.map((o) => [keyText(objectKeyOf(o)), o]));
  const b = index(base);
  const t = index(theirs);
  const objects: ObjectMerge[] = [];
  for (const o of ours) {
    const key = objectKeyOf(o);
    const k = keyText(key);
    const bo = b.get(k);
    const to = t.get(k);
    if (bo && deepEqual(bo, o)) {
      if (to) objects.push({ key, outcome: 'unchanged', live: to });
      continue;
    }
    if (!to) {
      if (bo) {
        objects.push({
          key,
          outcome: 'conflict',
          conflicts: [{ path: '', base: bo, ours: o, theirs: undefined }],
        });
      } else objects.push({ key, outcome: 'create', merged: o });
      continue;
    }
    const r = mergeThreeWay(bo ?? {}, o, to);
    if (!r.ok) {
      objects.push({ key, outcome: 'conflict', conflicts: r.conflicts });
      continue;
    }
    const rv = to.metadata.resourceVersion;
    const guard: JsonPatchOp[] =
      rv === undefined ? [] : [{ op: 'test', path: '/metadata/resourceVersion', value: rv }];
    objects.push({
      key,
      outcome: 'merged',
      merged: r.merged as KubeObject,
      patch: r.patch.length > 0 ? [...guard, ...r.patch] : [],
    });
  }
  return { ok: objects.every((x) => x.outcome !== 'conflict'), objects };
}
