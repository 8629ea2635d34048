// RFC 6902 JSON Patch and RFC 6901 JSON Pointer, pure: the same code checks a plan offline, applies
// it in the demo API server and rebases it in the apply engine, so all three agree on semantics.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type JsonPatchOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'move'; from: string; path: string }
  | { op: 'copy'; from: string; path: string }
  | { op: 'test'; path: string; value: unknown };

/** A patch that cannot apply: a missing path, a bad index, a malformed operation. */
export class JsonPatchError extends Error {
  override name = 'JsonPatchError';
  constructor(
    message: string,
    readonly path: string,
    readonly opIndex: number,
  ) {
    super(message);
  }
}

/** A `test` operation found a different value: the object changed since the patch was planned. */
export class JsonPatchTestError extends JsonPatchError {
  override name = 'JsonPatchTestError';
  constructor(
    path: string,
    opIndex: number,
    readonly expected: unknown,
    readonly actual: unknown,
  ) {
    super(
      `test failed at ${path || '/'}: expected ${preview(expected)}, found ${preview(actual)}`,
      path,
      opIndex,
    );
  }
}

function preview(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** '/a/b~1c' → ['a', 'b/c']; '' → [] (the whole document). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer '${pointer}'`, pointer, -1);
  return pointer.slice(1).split('/').map(unescapePointerToken);
}

export function formatPointer(tokens: ReadonlyArray<string | number>): string {
  return tokens.map((t) => `/${escapePointerToken(String(t))}`).join('');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/**
 * Sets an own data property, even for keys like `__proto__` that plain assignment would turn into a
 * prototype change: patches come from the network (demo API server), so no key may pollute prototypes.
 */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, deepClone(x));
    return out as T;
  }
  return v;
}

/** Reads the value at a pointer, or undefined when any step is missing. */
export function getAtPointer(doc: unknown, pointer: string | string[]): unknown {
  const tokens = typeof pointer === 'string' ? parsePointer(pointer) : pointer;
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t)) return undefined;
      cur = cur[Number(t)];
    } else if (isPlainObject(cur)) {
      if (!Object.hasOwn(cur, t)) return undefined;
      cur = cur[t];
    } else return undefined;
  }
  return cur;
}

interface Located {
  parent: unknown[] | Record<string, unknown>;
  key: string;
}

function locate(root: unknown, path: string, opIndex: number): Located {
  const tokens = parsePointerAt(path, opIndex);
  const key = tokens.pop();
  if (key === undefined) throw new JsonPatchError('the root cannot be the target here', path, opIndex);
  let cur: unknown = root;
  for (const t of tokens) {
    const next = childOf(cur, t);
    if (next === undefined)
      throw new JsonPatchError(`path ${path} does not exist (at '${t}')`, path, opIndex);
    cur = next;
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) {
    throw new JsonPatchError(`path ${path}: parent is not an object or array`, path, opIndex);
  }
  return { parent: cur, key };
}

function parsePointerAt(path: string, opIndex: number): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw new JsonPatchError(`invalid JSON pointer '${String(path)}'`, String(path), opIndex);
  }
  return parsePointer(path);
}

function childOf(cur: unknown, t: string): unknown {
  if (Array.isArray(cur)) return /^(0|[1-9][0-9]*)$/.test(t) ? cur[Number(t)] : undefined;
  if (isPlainObject(cur)) return Object.hasOwn(cur, t) ? cur[t] : undefined;
  return undefined;
}

function arrayIndex(arr: unknown[], key: string, path: string, opIndex: number, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw new JsonPatchError(`invalid array index '${key}'`, path, opIndex);
  const i = Number(key);
  const max = forAdd ? arr.length : arr.length - 1;
  if (i > max)
    throw new JsonPatchError(`array index ${i} out of bounds (length ${arr.length})`, path, opIndex);
  return i;
}

function getValue(root: unknown, path: string, opIndex: number): unknown {
  const tokens = parsePointerAt(path, opIndex);
  let cur = root;
  for (const t of tokens) {
    cur = childOf(cur, t);
    if (cur === undefined) throw new JsonPatchError(`path ${path} does not exist`, path, opIndex);
  }
  return cur;
}

/** Mutates `root` in place; returns the new root (which differs when the path is ''). */
function applyOne(root: unknown, op: JsonPatchOp, i: number): unknown {
  switch (op.op) {
    case 'test': {
      const actual = getAtPointer(root, parsePointerAt(op.path, i));
      if (!deepEqual(actual, op.value)) throw new JsonPatchTestError(op.path, i, op.value, actual);
      return root;
    }
    case 'add':
      return addValue(root, op.path, deepClone(op.value), i);
    case 'remove':
      removeValue(root, op.path, i);
      return root;
    case 'replace': {
      if (op.path === '') return deepClone(op.value);
      const { parent, key } = locate(root, op.path, i);
      if (Array.isArray(parent)) parent[arrayIndex(parent, key, op.path, i, false)] = deepClone(op.value);
      else {
        if (!Object.hasOwn(parent, key))
          throw new JsonPatchError(`path ${op.path} does not exist`, op.path, i);
        setOwn(parent, key, deepClone(op.value));
      }
      return root;
    }
    case 'move': {
      if (op.path === op.from) return root;
      if (op.path.startsWith(`${op.from}/`)) {
        throw new JsonPatchError(`cannot move ${op.from} into its own child ${op.path}`, op.path, i);
      }
      const value = getValue(root, op.from, i);
      if (op.from === '') throw new JsonPatchError('cannot move the root', op.from, i);
      removeValue(root, op.from, i);
      return addValue(root, op.path, value, i);
    }
    case 'copy':
      return addValue(root, op.path, deepClone(getValue(root, op.from, i)), i);
    default:
      throw new JsonPatchError(
        `unknown op '${(op as { op: unknown }).op}'`,
        (op as { path: string }).path,
        i,
      );
  }
}

function addValue(root: unknown, path: string, value: unknown, i: number): unknown {
  if (path === '') return value;
  const { parent, key } = locate(root, path, i);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, i, true), 0, value);
  else setOwn(parent, key, value);
  return root;
}

function removeValue(root: unknown, path: string, i: number): void {
  const { parent, key } = locate(root, path, i);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, i, false), 1);
  else {
    if (!Object.hasOwn(parent, key)) throw new JsonPatchError(`path ${path} does not exist`, path, i);
    delete parent[key];
  }
}

/**
 * Applies a patch atomically and purely: the input is never changed; on any failure nothing is
 * returned and the error names the operation's path (a failed `test` is a JsonPatchTestError).
 */
export function applyJsonPatch<T>(obj: T, ops: readonly JsonPatchOp[]): T {
  let root: unknown = deepClone(obj);
  ops.forEach((op, i) => {
    root = applyOne(root, op, i);
  });
  return root as T;
}

/**
 * Minimal operations turning `before` into `after`: objects by key, arrays by index (changed
 * elements are diffed in place, extra ones added at the end or removed from the end).
 */
export function diffToJsonPatch(before: unknown, after: unknown): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  diffInto(before, after, [], ops);
  return ops;
}

function diffInto(a: unknown, b: unknown, path: string[], ops: JsonPatchOp[]): void {
  if (deepEqual(a, b)) return;
  const here = formatPointer(path);
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) diffInto(a[i], b[i], [...path, String(i)], ops);
    for (let i = a.length - 1; i >= b.length; i--)
      ops.push({ op: 'remove', path: formatPointer([...path, i]) });
    for (let i = a.length; i < b.length; i++)
      ops.push({ op: 'add', path: `${here}/-`, value: deepClone(b[i]) });
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of Object.keys(a)) {
      if (a[k] === undefined) continue;
      if (!Object.hasOwn(b, k) || b[k] === undefined)
        ops.push({ op: 'remove', path: formatPointer([...path, k]) });
    }
    for (const k of Object.keys(b)) {
      if (b[k] === undefined) continue;
      if (!Object.hasOwn(a, k) || a[k] === undefined) {
        ops.push({ op: 'add', path: formatPointer([...path, k]), value: deepClone(b[k]) });
      } else diffInto(a[k], b[k], [...path, k], ops);
    }
    return;
  }
  ops.push({ op: 'replace', path: here, value: deepClone(b) });
}
