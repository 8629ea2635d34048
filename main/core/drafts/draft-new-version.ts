// A version the draft creates: the Deployment of a version in the base, cloned with the release
// wizard's own cloneDeploymentForVersion (new name, image, version label, replicas) and kept in the
// draft's newObjects, and the version declared with the routing core's addVersion (a subset of the
// DestinationRule, labelled as the wizard labels it) so the draft's release lists it at 0%.

import type { DraftNewVersionInput, DraftNewVersionView } from '../../../shared/api/draft-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject, ReleaseVersion, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { ReleaseEditError } from '../../../shared/mesh/model/index.ts';
import type { DesiredRelease } from '../../../shared/mesh/plan/index.ts';
import {
  addBackendAtZero,
  addVersion,
  deploymentOfService,
  desiredOf,
  removeVersion,
  versionService,
  versionServiceName,
} from '../../../shared/mesh/plan/index.ts';
import { versionLabelOf } from '../../../shared/mesh/read/index.ts';
import { CloneError, cloneDeploymentForVersion, podVersionLabel } from '../rollout/deployment-clone.ts';
import { draftObjects, editDraft, releaseIn, releaseOfBase } from './draft-objects.ts';
import type { Draft } from './draft-schema.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** As the release wizard: one replica unless asked otherwise. */
export const DEFAULT_NEW_VERSION_REPLICAS = 1;
const MAX_REPLICAS = 100;

const invalid = (message: string) => new ApiFailure('invalid-request', message);

function nsOf(o: KubeObject): string {
  return o.metadata.namespace || 'default';
}

function serviceName(release: ServiceRelease): string {
  return release.host.split('.')[0] ?? release.host;
}

function checkInput(input: DraftNewVersionInput): { version: string; image: string; replicas: number } {
  const { version } = input;
  if (version === '') throw invalid('the new version needs a name (e.g. v3)');
  if (!DNS_LABEL.test(version) || version.length > 63)
    throw invalid(
      `new version '${version}' must be a DNS label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. v3)`,
    );
  const image = input.image.trim();
  if (image === '')
    throw invalid(`the image of new version '${version}' must not be empty (e.g. registry/app:1.2.3)`);
  if (/\s/.test(image)) throw invalid(`the image of new version '${version}' must not contain spaces`);
  const replicas = input.replicas ?? DEFAULT_NEW_VERSION_REPLICAS;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS)
    throw invalid(
      `replicas of new version '${version}' must be a whole number from 1 to ${MAX_REPLICAS}, got ${replicas}`,
    );
  return { version, image, replicas };
}

/** The version with the most traffic on the base's catch-all route (the first of equals). */
function busiestVersion(release: ServiceRelease): string | undefined {
  let best: { version: string; weight: number } | undefined;
  for (const d of release.defaultRoute?.destinations ?? [])
    if (!best || d.weight > best.weight) best = { version: d.version, weight: d.weight };
  return best?.version;
}

function sourceVersion(release: ServiceRelease, fromVersion: string | undefined): ReleaseVersion {
  const names = release.versions.map((v) => v.name).join(', ') || 'none';
  const name = fromVersion ?? busiestVersion(release);
  if (name === undefined)
    throw invalid(
      `${serviceName(release)} has no weighted route in the draft's base to tell its main version: say which version to copy (fromVersion; versions: ${names})`,
    );
  const v = release.versions.find((x) => x.name === name);
  if (!v) throw invalid(`'${name}' is not a version of ${serviceName(release)} to copy (versions: ${names})`);
  return v;
}

function sourceDeployment(draft: Draft, release: ServiceRelease, v: ReleaseVersion): KubeObject {
  const found = v.deployments
    .map((name) =>
      draft.base.objects.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === name && nsOf(o) === release.namespace,
      ),
    )
    .find((o) => o !== undefined);
  if (found) return found;
  const why =
    draft.base.source === 'yaml'
      ? `a draft imported from YAML holds only the routing objects given (${draft.base.files.join(', ') || 'no files'})`
      : 'its objects hold no Deployment whose pods carry that version';
  throw invalid(
    `the draft's base holds no Deployment of version '${v.name}' of ${serviceName(release)} in ${release.namespace} to copy for the new version: ${why}; start a draft from the cluster or its offline snapshot, or copy another version`,
  );
}

/** The subset labels of the new version: the copied version's, with its version label swapped (as the wizard). */
function subsetLabels(from: ReleaseVersion, source: KubeObject, version: string): Record<string, string> {
  const key = podVersionLabel(source)?.key ?? 'version';
  const labels = Object.fromEntries(
    Object.entries(from.labels).map(([k, v]) => [k, k === key ? version : v]),
  );
  if (!(key in labels)) labels[key] = version;
  return labels;
}

function withoutRulesTo(d: DesiredRelease, version: string): DesiredRelease {
  return { ...d, rules: d.rules.filter((r) => r.version !== version) };
}

/** Gateway API: the backendRef of a Service the draft creates goes (refused while it has a share). */
function withoutBackend(d: DesiredRelease, service: string): DesiredRelease {
  const share = d.split.find((x) => x.version === service)?.weight ?? 0;
  if (share > 0)
    throw invalid(
      `version '${service}' still receives ${share}% of the split; move it to other versions first`,
    );
  return withoutRulesTo({ ...d, split: d.split.filter((x) => x.version !== service) }, service);
}

/** The draft without the version it creates: its Deployment, its subset and (with `dropRoutes`) its 0% routes. */
export function withoutNewVersion(draft: Draft, dropRoutes = true): Draft {
  const nv = draft.newVersion;
  if (!nv) return draft;
  const { newVersion: _nv, applied: _applied, ...rest } = draft;
  const newObjects = draft.newObjects.filter(
    (o) =>
      !(
        ((o.kind === 'Deployment' && o.metadata.name === nv.deployment) ||
          (o.kind === 'Service' && o.metadata.name === nv.service)) &&
        nsOf(o) === draft.namespace
      ),
  );
  if (!draft.desired) return { ...rest, newObjects };
  if (nv.service) return editDraft({ ...rest, newObjects }, (d) => withoutBackend(d, nv.version));
  const edited = editDraft({ ...rest, newObjects }, (d) =>
    dropRoutes
      ? // Refuses while the version still has a share of the split, naming it; rules to it go.
        withoutRulesTo(removeVersion(d, nv.version), nv.version)
      : { ...d, addedVersions: d.addedVersions.filter((a) => a.name !== nv.version) },
  );
  return edited;
}

/**
 * The draft with `input` as the version it creates (replacing the one it held). Refused with
 * 'invalid-request' naming the problem: a bad name or image, a version that exists, no route, a
 * Gateway API route, or a base without the Deployment to copy.
 */
export function withNewVersion(draft: Draft, input: DraftNewVersionInput): Draft {
  const { version, image, replicas } = checkInput(input);
  const release = releaseOfBase(draft);
  if (!draft.desired || !release)
    throw invalid(
      `draft “${draft.name}” holds no route for ${draft.host} in ${draft.namespace}: a new version joins an existing route`,
    );
  if (release.flavor === 'gateway-api') return withNewGatewayVersion(draft, release, input);
  // Same name again (a new image, replicas or source): its routes stay, at the share they have.
  const previous = draft.newVersion;
  const cleared = withoutNewVersion(draft, previous?.version !== version);
  const existing = [
    ...release.versions.map((v) => v.name),
    ...(cleared.desired?.addedVersions ?? []).map((v) => v.name),
  ];
  if (existing.includes(version))
    throw invalid(
      `version '${version}' already exists in ${serviceName(release)} (versions: ${[...new Set(existing)].join(', ')}); choose another name`,
    );
  const from = sourceVersion(release, input.fromVersion);
  const source = sourceDeployment(draft, release, from);
  let clone: KubeObject;
  try {
    clone = cloneDeploymentForVersion(source, { version, image, replicas });
  } catch (err) {
    if (err instanceof CloneError) throw invalid(`new version '${version}': ${err.message}`);
    throw err;
  }
  const name = clone.metadata.name;
  const taken = [...cleared.base.objects, ...cleared.newObjects].some(
    (o) => o.kind === 'Deployment' && o.metadata.name === name && nsOf(o) === nsOf(clone),
  );
  if (taken)
    throw invalid(
      `new version '${version}': a Deployment named ${nsOf(clone)}/${name} already exists in the draft; choose another version name`,
    );
  const labels = subsetLabels(from, source, version);
  const added = editDraft(cleared, (d) => addVersion(d, { name: version, labels }));
  return {
    ...added,
    newObjects: [...added.newObjects, clone],
    newVersion: { version, fromVersion: from.name, image, deployment: name },
  };
}

/**
 * Gateway API: the version is a Service of its own. The draft records the Deployment (cloned) and
 * the Service (the stable backend's, with the version label swapped) to create, and the backendRef
 * at weight 0 on the catch-all rule; applying it creates them in that order, then writes the route.
 */
function withNewGatewayVersion(draft: Draft, release: ServiceRelease, input: DraftNewVersionInput): Draft {
  const { version, image, replicas } = checkInput(input);
  const from = sourceVersion(release, input.fromVersion);
  const cleared = withoutNewVersion(draft, true);
  const inDraft = (kind: string, name: string) =>
    [...cleared.base.objects, ...cleared.newObjects].find(
      (o) => o.kind === kind && o.metadata.name === name && nsOf(o) === release.namespace,
    );
  const stableSvc = inDraft('Service', from.host);
  if (!stableSvc)
    throw invalid(
      `the draft's base holds no Service ${from.host} (the backend of version '${from.name}') to copy for the new version; start a draft from the cluster or its offline snapshot`,
    );
  const source =
    deploymentOfService(stableSvc, cleared.base.objects) ?? sourceDeployment(draft, release, from);
  const selector = (stableSvc.spec as { selector?: Record<string, string> } | undefined)?.selector;
  let clone: KubeObject;
  let service: KubeObject;
  try {
    const name = versionServiceName(
      from.host,
      versionLabelOf(selector)?.value ?? '',
      serviceName(release),
      version,
    );
    clone = cloneDeploymentForVersion(source, { version, image, replicas });
    service = versionService(stableSvc, { name, version, releaseId: `draft ${draft.id}` });
  } catch (err) {
    if (err instanceof CloneError || err instanceof ReleaseEditError)
      throw invalid(`new version '${version}': ${err.message}`);
    throw err;
  }
  const taken = [service, clone].find((o) => inDraft(o.kind, o.metadata.name));
  if (taken)
    throw invalid(
      `new version '${version}': a ${taken.kind} named ${release.namespace}/${taken.metadata.name} already exists in the draft; choose another version name`,
    );
  const withObjects = { ...cleared, newObjects: [...cleared.newObjects, clone, service] };
  const added = editDraft(withObjects, (d) => addBackendAtZero(d, service.metadata.name));
  return {
    ...added,
    newVersion: {
      version: service.metadata.name,
      fromVersion: from.name,
      image,
      deployment: clone.metadata.name,
      service: service.metadata.name,
    },
  };
}

/** The new version for the draft's summary. */
export function newVersionView(draft: Pick<Draft, 'newVersion'>): DraftNewVersionView | undefined {
  const nv = draft.newVersion;
  return nv
    ? { version: nv.version, image: nv.image, fromVersion: nv.fromVersion, deployment: nv.deployment }
    : undefined;
}

/**
 * The release a desired-release input is read against: the base's, plus the versions the draft
 * adds (their subsets and Deployments), with no other change. Its rule ids are the base's, which
 * is what the input carries once translated (inputForBase).
 */
export function releaseForInput(draft: Draft, current: DesiredRelease): ServiceRelease {
  if (current.addedVersions.length === 0) return current.release;
  const { release: _release, ...unchanged } = desiredOf(current.release);
  const onlyAdded: Draft = { ...draft, desired: { ...unchanged, addedVersions: current.addedVersions } };
  return releaseIn(draftObjects(onlyAdded), draft.namespace, draft.host) ?? current.release;
}

/** The versions whose pods a Deployment the draft creates runs (none of them has a ready pod yet). */
export function versionsCreatedByDraft(draft: Pick<Draft, 'newObjects'>): string[] {
  const out: string[] = [];
  for (const o of draft.newObjects) {
    // Gateway API: the version is the Service the draft creates.
    if (o.kind === 'Service' && !out.includes(o.metadata.name)) out.push(o.metadata.name);
    if (o.kind !== 'Deployment') continue;
    const v = podVersionLabel(o)?.value;
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Refuses a draft that sends traffic (a share of the split, or an enabled content rule) to a
 * version whose Deployment it creates: applying it would route requests to pods that do not exist.
 */
export function refuseTrafficToNewVersions(draft: Draft): void {
  const d = draft.desired;
  if (!d) return;
  for (const v of versionsCreatedByDraft(draft)) {
    const share = d.split.some((s) => s.version === v && s.weight > 0);
    const rule = d.rules.some((r) => r.enabled && r.version === v);
    if (share || rule)
      throw invalid(
        `${v} is created by this draft and has no ready pods yet: apply with ${v} at 0%, then move traffic once its rollout is ready`,
      );
  }
}
