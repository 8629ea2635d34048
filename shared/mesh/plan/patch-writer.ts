// The part of the planner's patch builder the mirror and sticky planners write through, and the
// nested-field helpers they share: add a value under objects that may not exist yet, remove it with
// the objects it leaves empty. Every other field of those objects stays.

import type { SourceRef } from '../model/index.ts';
import { isPlainObject, ReleaseEditError } from '../model/index.ts';

export interface PatchWriter {
  at(pointer: string): unknown;
  replace(path: string, value: unknown): void;
  remove(path: string): void;
  add(path: string, value: unknown): void;
}

const token = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Sets `base/keys…` to `value`, creating (by `add`) only the objects that are missing. */
export function setNested(
  b: PatchWriter,
  base: string,
  keys: readonly string[],
  value: unknown,
  ref: SourceRef,
): void {
  let path = base;
  for (const [i, key] of keys.entries()) {
    const next = `${path}/${token(key)}`;
    const there = b.at(next);
    if (i === keys.length - 1) {
      if (there === undefined) b.add(next, value);
      else if (JSON.stringify(there) !== JSON.stringify(value)) b.replace(next, value);
      return;
    }
    if (there === undefined) {
      b.add(
        next,
        keys.slice(i + 1).reduceRight<unknown>((v, k) => ({ [k]: v }), value),
      );
      return;
    }
    if (!isPlainObject(there)) throw new ReleaseEditError(`${next} is not an object`, ref);
    path = next;
  }
}

/** Removes `base/keys…` and every object above it (below `base`) that would be left empty. */
export function removeNested(b: PatchWriter, base: string, keys: readonly string[]): void {
  const paths: string[] = [];
  let path = base;
  for (const key of keys) {
    path = `${path}/${token(key)}`;
    paths.push(path);
  }
  if (b.at(path) === undefined) return;
  let target = path;
  for (let i = paths.length - 2; i >= 0; i--) {
    const node = b.at(paths[i]!);
    if (!isPlainObject(node) || Object.keys(node).length !== 1) break;
    target = paths[i]!;
  }
  b.remove(target);
}
