import { parseArgs } from 'node:util';
import type { KubeObject, ServiceRelease, SourceRef } from '../../shared/mesh/model/index.ts';
import { ReleaseEditError } from '../../shared/mesh/model/index.ts';
import type { DesiredRelease } from '../../shared/mesh/plan/index.ts';
import { applyPatchToYaml, planRelease, YamlEditError } from '../../shared/mesh/plan/index.ts';
import { firstLabel, readReleases, resolveHost } from '../../shared/mesh/read/index.ts';
import type { CommandIO } from './command.ts';
import { InputError, UsageError } from './command.ts';
import { readYamlSources } from './read-yaml-files.ts';
import { checkWritable, rewriteFile } from './rewrite-file.ts';

// The offline file commands (split, cutover, route) share one path: read the files, find the
// release for --host, change the model, plan, and apply the plan's patches to the YAML text.

export const FILE_OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  host: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  write: { type: 'boolean', short: 'w' },
} as const;

export const FILE_OPTIONS_HELP = [
  '  -f, --file FILE       a YAML file (several documents allowed); repeat for more files',
  '      --host HOST       the VirtualService host or HTTPRoute hostname (short or full name),',
  '                        or the destination service the route splits',
  '  -n, --namespace NS    only consider routes in this namespace (default: any)',
  '  -w, --write           rewrite the files in place instead of printing the result',
].join('\n');

export interface FileEditRequest {
  files: string[];
  host: string;
  namespace?: string;
  write: boolean;
}

interface Loaded {
  file: string;
  index: number;
  object: KubeObject;
}

function nsOf(o: KubeObject): string {
  return o.metadata.namespace || 'default';
}

function locate(loaded: readonly Loaded[], ref: Pick<SourceRef, 'kind' | 'namespace' | 'name'>): Loaded {
  const hits = loaded.filter(
    (l) =>
      l.object.kind === ref.kind && l.object.metadata.name === ref.name && nsOf(l.object) === ref.namespace,
  );
  if (hits.length !== 1) {
    const where = hits.map((h) => `${h.file}:doc#${h.index}`).join(', ');
    throw new InputError(
      `${ref.kind} ${ref.namespace}/${ref.name} appears ${hits.length} times (${where}); pass one copy`,
    );
  }
  return hits[0]!;
}

function where(loaded: readonly Loaded[], ref: SourceRef | undefined, fallback: string): string {
  if (!ref) return fallback;
  try {
    const l = locate(loaded, ref);
    return `${l.file}:doc#${l.index}: ${ref.kind} ${ref.name}`;
  } catch {
    return `${ref.kind} ${ref.namespace}/${ref.name}`;
  }
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

/** Reads, changes, plans and writes; returns the exit code. */
export async function editReleaseInFiles(
  io: CommandIO,
  req: FileEditRequest,
  change: (release: ServiceRelease) => DesiredRelease,
): Promise<number> {
  // Each file is read once: the objects and the text the edit (and the write's check) start from.
  const { objects: loaded, sources } = await readYamlSources(req.files, io.cwd);
  const objects = loaded.map((l) => l.object);
  const files = req.files.join(', ');
  const releases = readReleases(objects);
  const found = findReleases(releases, req.host, req.namespace);
  if (found.length === 0) {
    const known = [...new Set(releases.flatMap((r) => (r.hosts.length > 0 ? r.hosts : [r.host])))];
    throw new InputError(
      `${files}: no VirtualService or HTTPRoute for host '${req.host}'${req.namespace ? ` in namespace ${req.namespace}` : ''} (hosts found: ${known.join(', ') || 'none'})`,
    );
  }
  if (found.length > 1) {
    const list = found.map((r) => `${r.route.kind} ${r.namespace}/${r.route.name}`).join(', ');
    throw new InputError(
      `${files}: host '${req.host}' is routed by several objects (${list}); narrow with --namespace or pass one file`,
    );
  }
  const release = found[0]!;
  const routeAt = where(loaded, release.route, files);
  if (!release.editable) throw new InputError(`${routeAt}: read-only: ${release.readOnlyReasons.join('; ')}`);

  let plan: ReturnType<typeof planRelease>;
  try {
    plan = planRelease(release, change(release), objects);
  } catch (err) {
    if (!(err instanceof ReleaseEditError)) throw err;
    const field = err.field ? `${err.field}: ` : '';
    throw new InputError(`${where(loaded, err.target, routeAt)}: ${field}${err.message}`);
  }

  const texts = new Map<string, string>();
  for (const file of req.files) texts.set(file, sources.get(file)?.text ?? '');
  const changed = new Set<string>();
  for (const step of plan.steps) {
    const target = locate(loaded, step.target);
    try {
      texts.set(target.file, applyPatchToYaml(texts.get(target.file) ?? '', target.index - 1, step.patch));
    } catch (err) {
      if (!(err instanceof YamlEditError)) throw err;
      throw new InputError(
        `${target.file}:doc#${target.index}: ${step.target.kind} ${step.target.name}: ${err.message}`,
      );
    }
    changed.add(target.file);
  }

  if (req.write) {
    // Every file is checked before any is written, so a refusal leaves all of them as they were.
    const targets = new Map<string, string>();
    for (const file of changed) {
      const source = sources.get(file);
      if (source) targets.set(file, await checkWritable(source));
    }
    for (const [file, target] of targets) {
      const source = sources.get(file);
      if (source) await rewriteFile(source, texts.get(file) ?? '', target);
    }
    io.stderr(
      changed.size === 0 ? 'no change: the files already say this\n' : `wrote ${[...changed].join(', ')}\n`,
    );
    return 0;
  }
  const parts = req.files.map((f) => texts.get(f) ?? '');
  io.stdout(
    parts
      .map((t, i) => (i > 0 && !t.startsWith('---') ? `---\n${t}` : t))
      .map(endWithNewline)
      .join(''),
  );
  return 0;
}

function endWithNewline(t: string): string {
  return t === '' || t.endsWith('\n') ? t : `${t}\n`;
}

/** Parses the common file options plus a command's own; bad syntax is a UsageError. */
export function parseFileArgs<
  O extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>,
>(args: string[], extra: O): { request: FileEditRequest; values: Record<string, unknown> } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...FILE_OPTIONS, ...extra },
      strict: true,
      allowPositionals: true,
    }) as typeof parsed;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const files = [...((values.file as string[] | undefined) ?? []), ...positionals];
  if (files.length === 0) throw new UsageError('give at least one file with -f FILE');
  const host = values.host;
  if (typeof host !== 'string' || host === '') throw new UsageError('give the host with --host HOST');
  const namespace = typeof values.namespace === 'string' ? { namespace: values.namespace } : {};
  return { request: { files, host, ...namespace, write: values.write === true }, values };
}
