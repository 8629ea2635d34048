// Which fields a write changed, found by walking the old and new object together. Stored objects
// are frozen and a write shares every untouched subtree with the version it replaces, so the walk
// skips those by reference and only enumerates fields where something actually differs: a pod's
// status update costs its status, not the whole pod and every owner's field set.
import {
  collectMetadataPaths,
  collectPaths,
  type FieldPath,
  ignoredMetadata,
  isMap,
  SEP,
  valueAt,
} from './field-paths.ts';

export interface FieldChanges {
  /**
   * Leaf paths added, changed or removed, status included; the same set as comparing the full
   * field sets of both objects path by path.
   */
  changed: Set<FieldPath>;
  /**
   * The field-path prefixes that were enumerated because something under them differs. A field of
   * the old object outside all of them is a field of the new one too.
   */
  rewalked: FieldPath[];
  /** Fields of the new object under the rewalked prefixes. */
  afterPaths: Set<FieldPath>;
}

const hasOwn = (o: Record<string, unknown>, k: string) => Object.hasOwn(o, k);

export function fieldChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  keyedLists: boolean,
): FieldChanges {
  const walk = new ChangeWalk(before, after, keyedLists);
  for (const k of Object.keys(after)) walk.top(k, hasOwn(before, k), true);
  for (const k of Object.keys(before)) if (!hasOwn(after, k)) walk.top(k, true, false);
  return { changed: walk.changed, rewalked: walk.rewalked, afterPaths: walk.afterPaths };
}

/** One walk over both versions (a class rather than closures: this runs for every write). */
class ChangeWalk {
  readonly changed = new Set<FieldPath>();
  readonly rewalked: FieldPath[] = [];
  readonly afterPaths = new Set<FieldPath>();

  constructor(
    private readonly before: Record<string, unknown>,
    private readonly after: Record<string, unknown>,
    private readonly keyedLists: boolean,
  ) {}

  top(k: string, inB: boolean, inA: boolean): void {
    if (k === 'apiVersion' || k === 'kind') return;
    if (k === 'metadata') this.metadata(this.before[k], inB, this.after[k], inA);
    else this.diff(this.before[k], inB, this.after[k], inA, `f:${k}`);
  }

  private metadata(b: unknown, inB: boolean, a: unknown, inA: boolean): void {
    if (inA && inB && a === b) return;
    if (!(inA && inB && isMap(a) && isMap(b))) {
      this.rewalk(b, inB, a, inA, 'f:metadata', true);
      return;
    }
    for (const k of Object.keys(a)) {
      if (!ignoredMetadata.has(k)) this.diff(b[k], hasOwn(b, k), a[k], true, `f:metadata${SEP}f:${k}`);
    }
    for (const k of Object.keys(b)) {
      if (!ignoredMetadata.has(k) && !hasOwn(a, k))
        this.diff(b[k], true, undefined, false, `f:metadata${SEP}f:${k}`);
    }
  }

  /** Both sides sit at the same `f:`-only prefix, so the paths under it resolve to these values. */
  private diff(b: unknown, inB: boolean, a: unknown, inA: boolean, prefix: string): void {
    if (inA && inB && a === b) return;
    if (inA && inB && isMap(a) && isMap(b)) {
      const ka = Object.keys(a);
      const kb = Object.keys(b);
      // An empty map is a leaf of its own; only two non-empty maps split into their keys.
      if (ka.length > 0 && kb.length > 0) {
        for (const k of ka) this.diff(b[k], hasOwn(b, k), a[k], true, `${prefix}${SEP}f:${k}`);
        for (const k of kb)
          if (!hasOwn(a, k)) this.diff(b[k], true, undefined, false, `${prefix}${SEP}f:${k}`);
        return;
      }
    }
    this.rewalk(b, inB, a, inA, prefix, false);
  }

  private collect(v: unknown, prefix: string, asMetadata: boolean, out: Set<FieldPath>): void {
    if (asMetadata) collectMetadataPaths(v, this.keyedLists, out);
    else collectPaths(v, prefix, this.keyedLists, out);
  }

  /** Enumerates the fields under a prefix on both sides and compares them path by path. */
  private rewalk(b: unknown, inB: boolean, a: unknown, inA: boolean, prefix: string, asMetadata: boolean) {
    this.rewalked.push(prefix);
    const fa = new Set<FieldPath>();
    if (inA) this.collect(a, prefix, asMetadata, fa);
    for (const p of fa) {
      this.afterPaths.add(p);
      // The prefix is all `f:` steps and resolves to `a` and `b`: read the rest from there.
      const rest = p.length === prefix.length ? '' : p.slice(prefix.length + 1);
      const va = rest ? valueAt(a, rest) : a;
      const vb = !inB ? valueAt(this.before, p) : rest ? valueAt(b, rest) : b;
      if (va !== vb && JSON.stringify(va) !== JSON.stringify(vb)) this.changed.add(p);
    }
    if (!inB) return;
    const fb = new Set<FieldPath>();
    this.collect(b, prefix, asMetadata, fb);
    for (const p of fb) if (!fa.has(p)) this.changed.add(p);
  }
}

/** Whether `path` lies at or under one of `prefixes`. */
export function isUnder(path: FieldPath, prefixes: readonly FieldPath[]): boolean {
  for (const p of prefixes) {
    if (path.length === p.length ? path === p : path.startsWith(p) && path[p.length] === SEP) return true;
  }
  return false;
}

/** Drops the paths under the top-level `status`, for writes whose field set leaves status out. */
export function withoutStatus(paths: Set<FieldPath>): Set<FieldPath> {
  const out = new Set<FieldPath>();
  for (const p of paths) if (p !== 'f:status' && !p.startsWith(`f:status${SEP}`)) out.add(p);
  return out;
}
