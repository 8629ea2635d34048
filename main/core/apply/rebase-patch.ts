// After a 409 or a failed `test`: may the step be re-issued on the fresh object? Yes when every
// value the step replaces or removes still holds what the plan expected and no list it indexes
// into changed length (an insertion elsewhere would shift our indexes); then the only stale
// precondition was the resourceVersion. Otherwise the other change touched our fields: stop.

import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import {
  applyJsonPatch,
  deepEqual,
  formatPointer,
  getAtPointer,
  JsonPatchError,
  parsePointer,
} from '../../../shared/mesh/model/index.ts';

export const RESOURCE_VERSION_PATH = '/metadata/resourceVersion';

export type RebaseResult =
  | {
      ok: true;
      patch: JsonPatchOp[] /** false when the patch was already right for the fresh object */;
      changed: boolean;
    }
  | { ok: false; paths: string[] };

/** Index tokens along a path whose list changed length between `base` and `fresh`. */
function shiftedLists(path: string, base: unknown, fresh: unknown): string[] {
  const tokens = parsePointer(path);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const prefix = tokens.slice(0, i);
    const was = getAtPointer(base, prefix);
    const is = getAtPointer(fresh, prefix);
    if (!Array.isArray(was)) continue;
    const isIndex = /^(0|[1-9][0-9]*)$/.test(tokens[i] ?? '');
    if (isIndex && (!Array.isArray(is) || is.length !== was.length)) out.push(formatPointer(prefix));
  }
  return out;
}

export function rebasePatch(
  patch: readonly JsonPatchOp[],
  fresh: KubeObject,
  base?: KubeObject | null,
): RebaseResult {
  const paths = new Set<string>();
  for (const op of patch) {
    if (
      op.op === 'test' &&
      op.path !== RESOURCE_VERSION_PATH &&
      !deepEqual(getAtPointer(fresh, op.path), op.value)
    )
      paths.add(op.path);
    if (op.op !== 'test' && base) for (const p of shiftedLists(op.path, base, fresh)) paths.add(p);
  }
  if (paths.size > 0) return { ok: false, paths: [...paths] };
  const rv = fresh.metadata.resourceVersion;
  let changed = false;
  const next = patch.map((op) => {
    if (op.op !== 'test' || op.path !== RESOURCE_VERSION_PATH || op.value === rv) return op;
    changed = true;
    return { ...op, value: rv };
  });
  try {
    applyJsonPatch(fresh, next);
  } catch (err) {
    return { ok: false, paths: [err instanceof JsonPatchError ? err.path : ''] };
  }
  return { ok: true, patch: next, changed };
}
