import type {
  ContentRuleView,
  LintFindingView,
  ReleaseView,
  ServiceSummary,
  VersionView,
} from '../../../shared/api/console-schemas.ts';
import type { LintContext, PodInfo } from '../../../shared/mesh/lint/index.ts';
import { lintObjects, lintOwnership } from '../../../shared/mesh/lint/index.ts';
import type {
  KubeObject,
  RegexEngine,
  ReleaseVersion,
  ServiceRelease,
  SourceRef,
} from '../../../shared/mesh/model/index.ts';
import { effectiveBackendWeight } from '../../../shared/mesh/model/index.ts';
import { describeMatches } from '../../../shared/mesh/policy/index.ts';
import { yamlText } from '../../../shared/text/yaml-text.ts';
import { podCounts, podsOfVersion } from '../services/version-pods.ts';
import { findingView, meshModeFindings } from './mesh-mode-views.ts';
import { mirrorAndStickyViews } from './mirror-sticky-views.ts';

// The console's views of a release, computed in main from the watch cache: what the renderer may
// see (no raw objects, no credentials), with the running state of every version.

/** The objects a view needs, looked up by kind and name (the watch cache answers these). */
export interface ObjectLookup {
  find(kind: string, namespace: string, name: string): KubeObject | undefined;
  /** Pods of one namespace. */
  pods(namespace: string): readonly KubeObject[];
  /** True where every Service of the namespace is watched: one not found there does not exist. */
  watchesServices?(namespace: string): boolean;
  /** Every VirtualService and HTTPRoute known (for the mixed-mesh lint); absent where unknown. */
  routes?(): readonly KubeObject[];
  /**
   * The routes that may claim one of these canonical mesh hosts (a superset: readers check each),
   * from the release index; where present the mixed-mesh lint reads these instead of `routes`.
   */
  routesClaiming?(hosts: Iterable<string>): readonly KubeObject[];
  /** A namespace's labels where the session read them (ambient mode, waypoints). */
  namespaceLabels?(namespace: string): Readonly<Record<string, string>> | undefined;
}

/** What the session adds to every release: a read-only session makes every release read-only. */
export interface SessionFacts {
  contextId: string;
  readOnlyReason?: string;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

function objectOf(lookup: ObjectLookup, ref: SourceRef): KubeObject | undefined {
  return lookup.find(ref.kind, ref.namespace, ref.name);
}

/** `reviews.bookinfo.svc.cluster.local` → `reviews`; an external host keeps its full name. */
export function serviceNameOf(host: string): string {
  return host.endsWith('.svc.cluster.local') ? (host.split('.')[0] ?? host) : host;
}

/** A release is under way when more than one version takes a share of the catch-all route. */
export function releaseInProgress(release: ServiceRelease): boolean {
  return (release.defaultRoute?.destinations ?? []).filter((d) => d.weight > 0).length > 1;
}

/** The controller that owns the route object, when another tool manages it. */
export function managedByOf(route: KubeObject | undefined): string | undefined {
  if (!route) return undefined;
  const finding = lintOwnership(route)[0];
  const m = finding ? /managed by (.+?) \(/.exec(finding.message) : null;
  return m?.[1];
}

/** Lint of the route and DestinationRules a release was read from, cached by resourceVersions. */
export function createReleaseLinter(engine: RegexEngine) {
  const cache = new Map<string, LintFindingView[]>();
  return (release: ServiceRelease, lookup: ObjectLookup, pods?: readonly PodInfo[]): LintFindingView[] => {
    const refs = release.sources.filter((s) => s.kind !== 'Deployment' && s.kind !== 'Service');
    const key = `${release.id}|${pods ? pods.length : '-'}|${refs.map((r) => `${r.kind}/${r.name}@${r.resourceVersion ?? ''}`).join(',')}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const objects = refs.map((r) => objectOf(lookup, r)).filter((o): o is KubeObject => o !== undefined);
    const context: LintContext = { engine, ...(pods ? { pods } : {}) };
    const views = lintObjects(objects, context).map(findingView);
    if (cache.size > 20_000) cache.clear();
    cache.set(key, views);
    return views;
  };
}

export type ReleaseLinter = ReturnType<typeof createReleaseLinter>;

export function summarizeRelease(
  release: ServiceRelease,
  lookup: ObjectLookup,
  session: SessionFacts,
  lint: ReleaseLinter,
): ServiceSummary {
  const managedBy = managedByOf(objectOf(lookup, release.route));
  return {
    releaseId: release.id,
    namespace: release.namespace,
    name: serviceNameOf(release.host),
    host: release.host,
    flavor: release.flavor,
    versionCount: release.versions.length,
    releaseInProgress: releaseInProgress(release),
    contentRuleCount: release.rules.length + release.disabledRules.length,
    readOnly: !release.editable || session.readOnlyReason !== undefined,
    ...(managedBy ? { managedBy } : {}),
    lintErrors: lint(release, lookup).filter((f) => f.severity === 'error').length,
  };
}

function rolloutOf(deployment: KubeObject): VersionView['rollout'] {
  const spec = isRecord(deployment.spec) ? deployment.spec : {};
  const status = isRecord(deployment.status) ? deployment.status : {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
  const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const updated = num(status.updatedReplicas);
  const ready = num(status.readyReplicas);
  const generation = num(deployment.metadata.generation);
  const observed = num(status.observedGeneration);
  const done =
    observed >= generation && updated === desired && ready === desired && num(status.replicas) <= desired;
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const progressing = conditions.find((c) => isRecord(c) && c.type === 'Progressing');
  const message =
    isRecord(progressing) && typeof progressing.message === 'string' ? progressing.message : undefined;
  return { desired, updated, ready, done, ...(message ? { message } : {}) };
}

function imageOf(deployment: KubeObject): string | undefined {
  const spec = isRecord(deployment.spec) ? deployment.spec : {};
  const template = isRecord(spec.template) ? spec.template : {};
  const podSpec = isRecord(template.spec) ? template.spec : {};
  const first = Array.isArray(podSpec.containers) ? podSpec.containers[0] : undefined;
  return isRecord(first) && typeof first.image === 'string' ? first.image : undefined;
}

export function versionView(release: ServiceRelease, v: ReleaseVersion, lookup: ObjectLookup): VersionView {
  const deployments = v.deployments
    .map((name) => lookup.find('Deployment', release.namespace, name))
    .filter((d): d is KubeObject => d !== undefined);
  const pods = podsOfVersion(v, release.namespace, lookup);
  const counts = podCounts(pods ?? []);
  const first = deployments[0];
  const image = first ? imageOf(first) : undefined;
  const dest = release.defaultRoute?.destinations.find((d) => d.version === v.name);
  const weight = dest?.weight ?? 0;
  const relative = release.flavor === 'gateway-api' && dest !== undefined;
  return {
    name: v.name,
    ...(v.subset !== undefined ? { subset: v.subset } : {}),
    labels: v.labels,
    deployments: v.deployments,
    ...(image ? { image } : {}),
    podsReady: counts.ready,
    podsTotal: counts.total,
    restarts: counts.restarts,
    ...(counts.oldestCreatedAt ? { createdAt: counts.oldestCreatedAt } : {}),
    ...(first ? { rollout: rolloutOf(first) } : {}),
    weight,
    ...(relative ? { rawWeight: effectiveBackendWeight(dest.rawWeight) } : {}),
    declared: v.declared,
    ...(v.unroutable !== undefined ? { unroutable: v.unroutable } : {}),
    ...(pods === null ? { podsUnknown: true } : {}),
  };
}

export function ruleViews(release: ServiceRelease): ContentRuleView[] {
  const view = (
    id: string,
    name: string | undefined,
    version: string,
    enabled: boolean,
    matches: unknown,
  ): ContentRuleView => {
    const list = Array.isArray(matches) ? matches : [];
    let conditions: ContentRuleView['conditions'] = null;
    try {
      conditions = describeMatches(list) as ContentRuleView['conditions'];
    } catch {
      conditions = null;
    }
    return {
      id,
      ...(name !== undefined ? { name } : {}),
      version,
      enabled,
      conditions,
      matchYaml: yamlText(list).trimEnd(),
    };
  };
  return [
    ...release.rules.map((r) => view(r.id, r.name, r.version, true, r.matches)),
    ...release.disabledRules.map((r) => view(r.id, r.name, r.version, false, r.route.match)),
  ];
}

export function releaseView(
  release: ServiceRelease,
  lookup: ObjectLookup,
  session: SessionFacts,
  lint: ReleaseLinter,
  previousStable?: string,
): ReleaseView {
  const pods: PodInfo[] = lookup
    .pods(release.namespace)
    .map((p) => ({ namespace: release.namespace, labels: p.metadata.labels ?? {} }));
  const readOnlyReasons = [...release.readOnlyReasons];
  if (session.readOnlyReason) readOnlyReasons.unshift(`read-only session: ${session.readOnlyReason}`);
  const managedBy = managedByOf(objectOf(lookup, release.route));
  if (managedBy) readOnlyReasons.push(`managed by ${managedBy}: changes made here may be reverted`);
  const versions = release.versions.map((v) => versionView(release, v, lookup));
  return {
    releaseId: release.id,
    contextId: session.contextId,
    namespace: release.namespace,
    host: release.host,
    name: serviceNameOf(release.host),
    flavor: release.flavor,
    editable: release.editable && session.readOnlyReason === undefined,
    readOnlyReasons,
    versions,
    rules: ruleViews(release),
    mirrors: release.mirrors.map((m) => ({
      host: m.host,
      ...(m.version !== undefined ? { version: m.version } : {}),
      percentage: m.percentage,
    })),
    ...keptRoutesView(release),
    ...mirrorAndStickyViews(release),
    lint: [...lint(release, lookup, pods), ...meshModeFindings(release, lookup)],
    sources: release.sources.map((s) => ({
      kind: s.kind,
      namespace: s.namespace,
      name: s.name,
      ...(s.resourceVersion !== undefined ? { resourceVersion: s.resourceVersion } : {}),
    })),
    ...(previousStable && versions.some((v) => v.name === previousStable) ? { previousStable } : {}),
  };
}

/** The routes the release does not model that still send requests to its versions, when any. */
function keptRoutesView(release: ServiceRelease): { keptRoutes?: NonNullable<ReleaseView['keptRoutes']> } {
  const kept = release.otherRoutes
    .filter((o) => (o.versions ?? []).length > 0)
    .map((o) => ({
      ...(o.name !== undefined ? { name: o.name } : {}),
      pointer: o.pointer,
      versions: [...(o.versions ?? [])],
    }));
  return kept.length > 0 ? { keptRoutes: kept } : {};
}
