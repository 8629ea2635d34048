// One change of a host's release planned over a set of YAML files: one file as before, or a GitOps
// repository with a folder per cluster (clusters/eu-1/…, clusters/us-1/…) where every cluster's
// route gets the same change. Pure: the files come in as text and objects, the edited texts go out,
// with one outcome per file for the summary. Nothing is decided per file that a write could undo:
// the caller writes only when no file has an error (a half-edited repository is worse than none).
//
// Which objects a route is planned with:
// - one file holds the route for the host: every file given is read with it, as a single file
//   always was (its DestinationRule may be in another file);
// - several files hold it (one per cluster): each route file is planned on its own, with the
//   files of its own folder that hold no route for the host; its own objects come before a copy
//   in such a file.

import type { Document } from 'yaml';
import type { JsonPatchOp, KubeObject, ServiceRelease, SourceRef, TrafficSplit } from '../model/index.ts';
import { applyJsonPatch, ReleaseEditError } from '../model/index.ts';
import { firstLabel, readReleases, resolveHost } from '../read/index.ts';
import { type ChangeStep, summarizeChange } from './change-summary.ts';
import type { DesiredRelease } from './release-edits.ts';
import { planRelease } from './release-plan.ts';
import { applyPatchToYaml, YamlEditError } from './yaml-edit.ts';

/** A file of the set as read: its text and its objects with their 1-based document numbers. */
export interface SetFile {
  file: string;
  text: string;
  objects: Array<{ index: number; object: KubeObject }>;
  /** `text` as parseAllDocuments gave it to the reader, if it kept it: the file's first edit starts there. */
  docs?: readonly Document.Parsed[];
  /** Set when the file could not be read or parsed: the file is an error of the set. */
  readError?: string;
  /** Set when a file found in a folder is YAML but not Kubernetes objects: it is passed over. */
  skipped?: string;
}

export interface FileSetRequest {
  host: string;
  namespace?: string;
}

export type FileOutcome =
  | { file: string; kind: 'changed'; route: string; words: string; before: string; after: string }
  | { file: string; kind: 'unchanged'; route: string; split: string }
  | { file: string; kind: 'no-route' }
  | { file: string; kind: 'skipped'; reason: string }
  | { file: string; kind: 'error'; message: string };

export interface FileSetPlan {
  /** One per file, in the order given. */
  outcomes: FileOutcome[];
  /** Set when no file routes the host: the one error of the whole set. */
  noRoute?: string;
}

interface Located {
  file: string;
  index: number;
  object: KubeObject;
}

function nsOf(o: KubeObject): string {
  return o.metadata.namespace || 'default';
}

function identity(o: KubeObject): string {
  return `${o.kind}\u0000${nsOf(o)}\u0000${o.metadata.name}`;
}

/** Releases answering for `host`: by route host first, then by the destination service they split. */
export function findReleases(
  releases: readonly ServiceRelease[],
  host: string,
  namespace?: string,
): ServiceRelease[] {
  const inNs = releases.filter((r) => namespace === undefined || r.namespace === namespace);
  const byRoute = inNs.filter(
    (r) =>
      r.host === host ||
      r.hosts.some((h) => h === host || resolveHost(h, r.namespace) === host) ||
      (r.flavor === 'gateway-api' && r.route.name === host) ||
      (r.host.endsWith('.svc.cluster.local') && firstLabel(r.host) === host),
  );
  if (byRoute.length > 0) return byRoute;
  return inNs.filter((r) => r.versions.some((v) => v.host === host || v.fqdn === host));
}

class SetError extends Error {}

function locate(loaded: readonly Located[], ref: Pick<SourceRef, 'kind' | 'namespace' | 'name'>): Located {
  const hits = loaded.filter(
    (l) =>
      l.object.kind === ref.kind && l.object.metadata.name === ref.name && nsOf(l.object) === ref.namespace,
  );
  if (hits.length !== 1) {
    const where = hits.map((h) => `${h.file}:doc#${h.index}`).join(', ');
    throw new SetError(
      `${ref.kind} ${ref.namespace}/${ref.name} appears ${hits.length} times (${where}); pass one copy`,
    );
  }
  return hits[0]!;
}

function where(loaded: readonly Located[], ref: SourceRef | undefined, fallback: string): string {
  if (!ref) return fallback;
  try {
    const l = locate(loaded, ref);
    return `${l.file}:doc#${l.index}: ${ref.kind} ${ref.name}`;
  } catch {
    return `${ref.kind} ${ref.namespace}/${ref.name}`;
  }
}

function splitWords(split: Readonly<TrafficSplit> | undefined): string {
  if (!split || split.length === 0) return 'no split';
  return split.map((d) => `${d.version} ${d.weight}%`).join(', ');
}

const located = (f: SetFile): Located[] => f.objects.map((o) => ({ file: f.file, ...o }));

function holdsRoute(f: SetFile, req: FileSetRequest): boolean {
  if (f.readError !== undefined) return false;
  return findReleases(readReleases(f.objects.map((o) => o.object)), req.host, req.namespace).length > 0;
}

/** The folder a path is in ('' for a bare name), for either separator. */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? '' : path.slice(0, cut);
}

interface UnitResult {
  route: string;
  words: string;
  split: string;
  texts: Map<string, string>;
}

/** Plans one route with its objects; throws a SetError naming file, document and field. */
function planUnit(
  label: string,
  loaded: readonly Located[],
  texts: ReadonlyMap<string, string>,
  req: FileSetRequest,
  change: (release: ServiceRelease) => DesiredRelease,
  parses: ReadonlyMap<string, readonly Document.Parsed[]> = new Map(),
): UnitResult {
  const objects = loaded.map((l) => l.object);
  const found = findReleases(readReleases(objects), req.host, req.namespace);
  if (found.length > 1) {
    const list = found.map((r) => `${r.route.kind} ${r.namespace}/${r.route.name}`).join(', ');
    throw new SetError(
      `${label}: host '${req.host}' is routed by several objects (${list}); narrow with --namespace or pass one file`,
    );
  }
  const release = found[0]!;
  const routeAt = where(loaded, release.route, label);
  if (!release.editable) throw new SetError(`${routeAt}: read-only: ${release.readOnlyReasons.join('; ')}`);
  let plan: ReturnType<typeof planRelease>;
  try {
    plan = planRelease(release, change(release), objects);
  } catch (err) {
    if (!(err instanceof ReleaseEditError)) throw err;
    const field = err.field ? `${err.field}: ` : '';
    throw new SetError(`${where(loaded, err.target, routeAt)}: ${field}${err.message}`);
  }
  const out = new Map<string, string>();
  const steps: ChangeStep[] = [];
  for (const step of plan.steps) {
    const target = locate(loaded, step.target);
    try {
      const edited = out.get(target.file);
      const text = edited ?? texts.get(target.file) ?? '';
      const parsed = edited === undefined ? parses.get(target.file) : undefined;
      out.set(target.file, applyPatchToYaml(text, target.index - 1, step.patch, parsed));
    } catch (err) {
      if (!(err instanceof YamlEditError)) throw err;
      throw new SetError(
        `${target.file}:doc#${target.index}: ${step.target.kind} ${step.target.name}: ${err.message}`,
      );
    }
    const ops = step.patch.filter((op: JsonPatchOp) => op.op !== 'test');
    steps.push({
      target: step.target,
      before: target.object,
      after: applyJsonPatch(target.object, ops),
    });
  }
  const route = `${release.route.kind} ${release.route.namespace}/${release.route.name}`;
  return {
    route,
    words: summarizeChange(steps) || 'changed',
    split: splitWords(release.defaultRoute?.destinations),
    texts: out,
  };
}

function hostsFound(files: readonly SetFile[]): string {
  const releases = readReleases(files.flatMap((f) => f.objects.map((o) => o.object)));
  const known = [...new Set(releases.flatMap((r) => (r.hosts.length > 0 ? r.hosts : [r.host])))];
  return known.join(', ') || 'none';
}

/**
 * Plans `change` for the host over every file. `label` names the set in the one error of a set
 * where no file routes the host (today's message for one file: its name).
 */
export function planFileSet(
  files: readonly SetFile[],
  req: FileSetRequest,
  label: string,
  change: (release: ServiceRelease) => DesiredRelease,
): FileSetPlan {
  const routeFiles = files.filter((f) => holdsRoute(f, req));
  const outcomes = new Map<string, FileOutcome>();
  for (const f of files)
    outcomes.set(
      f.file,
      f.readError !== undefined
        ? { file: f.file, kind: 'error', message: f.readError }
        : f.skipped !== undefined
          ? { file: f.file, kind: 'skipped', reason: f.skipped }
          : { file: f.file, kind: 'no-route' },
    );
  const result = (): FileSetPlan => ({ outcomes: files.map((f) => outcomes.get(f.file)!) });
  if (routeFiles.length === 0) {
    const ns = req.namespace ? ` in namespace ${req.namespace}` : '';
    const unread = files.some((f) => f.readError !== undefined);
    if (unread) return result();
    return {
      ...result(),
      noRoute: `${label}: no VirtualService or HTTPRoute for host '${req.host}'${ns} (hosts found: ${hostsFound(files)})`,
    };
  }
  const texts = new Map(files.map((f) => [f.file, f.text]));
  const parses = new Map(files.flatMap((f) => (f.docs ? [[f.file, f.docs] as const] : [])));
  const edits = new Map<string, string[]>(); // file → the route files whose plans edit it
  const planned = new Map<string, UnitResult>();
  for (const rf of routeFiles) {
    const own = new Set(rf.objects.map((o) => identity(o.object)));
    const context =
      routeFiles.length === 1
        ? files.flatMap((f) => (f.readError === undefined ? located(f) : []))
        : [
            ...located(rf),
            ...files
              .filter((f) => f !== rf && !routeFiles.includes(f) && folderOf(f.file) === folderOf(rf.file))
              .flatMap(located)
              .filter((l) => !own.has(identity(l.object))),
          ];
    try {
      const unit = planUnit(routeFiles.length === 1 ? label : rf.file, context, texts, req, change, parses);
      planned.set(rf.file, unit);
      for (const file of unit.texts.keys()) edits.set(file, [...(edits.get(file) ?? []), rf.file]);
    } catch (err) {
      if (!(err instanceof SetError)) throw err;
      outcomes.set(rf.file, { file: rf.file, kind: 'error', message: err.message });
    }
  }
  for (const [rf, unit] of planned) {
    const twice = [...unit.texts.keys()].find((file) => (edits.get(file) ?? []).length > 1);
    if (twice !== undefined) {
      const by = (edits.get(twice) ?? []).join(', ');
      outcomes.set(rf, {
        file: rf,
        kind: 'error',
        message: `${twice} would be edited for several routes (${by}); give their folders one run each`,
      });
      continue;
    }
    for (const [file, after] of unit.texts) {
      const before = texts.get(file) ?? '';
      if (after === before) continue;
      const words = file === rf ? unit.words : `${unit.words} (for ${rf})`;
      outcomes.set(file, { file, kind: 'changed', route: unit.route, words, before, after });
    }
    if (outcomes.get(rf)?.kind === 'no-route')
      outcomes.set(rf, { file: rf, kind: 'unchanged', route: unit.route, split: unit.split });
  }
  return result();
}

/** One line of the per-file summary. */
export function outcomeLine(o: FileOutcome, host: string): string {
  switch (o.kind) {
    case 'changed':
      return `${o.file}: ${o.route}: ${o.words}`;
    case 'unchanged':
      return `${o.file}: ${o.route}: unchanged (${o.split})`;
    case 'no-route':
      return `${o.file}: no route for ${host}`;
    case 'skipped':
      return `${o.file}: skipped: ${o.reason}`;
    case 'error': {
      const rest = o.message.startsWith(`${o.file}:`) ? o.message.slice(o.file.length + 1).trim() : o.message;
      return `${o.file}: error: ${rest}`;
    }
  }
}
