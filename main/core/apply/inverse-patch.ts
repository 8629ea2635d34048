// The patch that takes an object back from `after` to `before`, guarded by `test`s on the values
// `after` holds, so it refuses (instead of overwriting) when someone changed those fields since.
// Rollback and undo both use it.

import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import {
  deepClone,
  deepEqual,
  diffToJsonPatch,
  formatPointer,
  getAtPointer,
  parsePointer,
  SERVER_MANAGED_METADATA,
} from '../../../shared/mesh/model/index.ts';

/** The object without status and server-set metadata: the part a change or an undo is about. */
export function comparablePart(obj: KubeObject): KubeObject {
  const { status: _status, ...rest } = deepClone(obj);
  const metadata = { ...rest.metadata };
  for (const k of SERVER_MANAGED_METADATA) delete metadata[k];
  return { ...rest, metadata };
}

export function withoutTests(ops: readonly JsonPatchOp[]): JsonPatchOp[] {
  return ops.filter((o) => o.op !== 'test');
}

function parentOf(path: string): string {
  const tokens = parsePointer(path);
  tokens.pop();
  return formatPointer(tokens);
}

/**
 * Operations turning `after` into `before`. Each replaced or removed value is tested first; an
 * added one tests its parent (JSON Patch cannot test that a key is absent). With
 * `resourceVersion`, the patch also refuses on any change at all.
 */
export function inversePatch(before: KubeObject, after: KubeObject, resourceVersion?: string): JsonPatchOp[] {
  const a = comparablePart(after);
  const changes = diffToJsonPatch(a, comparablePart(before));
  const tests: JsonPatchOp[] = [];
  const tested = new Set<string>();
  const testAt = (path: string) => {
    if (tested.has(path)) return;
    tested.add(path);
    tests.push({ op: 'test', path, value: deepClone(getAtPointer(a, path)) });
  };
  for (const op of changes) {
    if (op.op === 'replace' || op.op === 'remove') testAt(op.path);
    else if (op.op === 'add') testAt(parentOf(op.path));
  }
  // A parent test already covers anything below it.
  const kept = tests.filter((t) => !tests.some((o) => o !== t && t.path.startsWith(`${o.path}/`)));
  const guard: JsonPatchOp[] =
    resourceVersion === undefined
      ? []
      : [{ op: 'test', path: '/metadata/resourceVersion', value: resourceVersion }];
  return changes.length === 0 ? [] : [...guard, ...kept, ...changes];
}

/** Whether two objects agree on everything an operator could have changed. */
export function sameContent(x: KubeObject, y: KubeObject): boolean {
  return deepEqual(comparablePart(x), comparablePart(y));
}
