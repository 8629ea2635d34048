// From a draft to Kubernetes objects, through the same routing core the live release path uses:
// the release read from the base, the draft's desired edits, planRelease, applyJsonPatch. So a
// draft's objects are exactly what applying it would produce on an unchanged cluster.

import type { ObjectKey } from '../../../shared/drafts/three-way-merge.ts';
import { objectKeyOf } from '../../../shared/drafts/three-way-merge.ts';
import type { JsonPatchOp, KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone } from '../../../shared/mesh/model/index.ts';
import type { DesiredRelease } from '../../../shared/mesh/plan/index.ts';
import { desiredOf, planRelease } from '../../../shared/mesh/plan/index.ts';
import { readReleases, resolveHost } from '../../../shared/mesh/read/index.ts';
import type { Draft, DraftDesired } from './draft-schema.ts';
import { CURRENT_SCHEMA_VERSION, DraftFormatError } from './draft-schema.ts';

/** The release routing `host` in `namespace` among the objects. */
export function releaseIn(
  objects: readonly KubeObject[],
  namespace: string,
  host: string,
): ServiceRelease | undefined {
  const fqdn = resolveHost(host, namespace);
  return readReleases(objects).find(
    (r) =>
      r.namespace === namespace &&
      (r.host === fqdn || r.hosts.some((h) => resolveHost(h, namespace) === fqdn)),
  );
}

/** The release the draft is about, read from its base objects. */
export function releaseOfBase(draft: Pick<Draft, 'base' | 'namespace' | 'host'>): ServiceRelease | undefined {
  return releaseIn(draft.base.objects, draft.namespace, draft.host);
}

function stripRelease(d: DesiredRelease): DraftDesired {
  return {
    split: d.split,
    rules: d.rules,
    addedVersions: d.addedVersions,
    removedVersions: d.removedVersions,
  };
}

export interface NewDraftInput {
  id: string;
  name: string;
  notes?: string;
  context: string;
  namespace: string;
  host: string;
  source: Draft['base']['source'];
  objects: readonly KubeObject[];
  files?: string[];
  now: Date;
}

/** A draft whose desired release is the base's release as it is (no change yet). */
export function startDraft(input: NewDraftInput): Draft {
  const at = input.now.toISOString();
  const draft: Draft = {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    id: input.id,
    name: input.name,
    notes: input.notes ?? '',
    context: input.context,
    namespace: input.namespace,
    host: input.host,
    createdAt: at,
    updatedAt: at,
    base: {
      source: input.source,
      capturedAt: at,
      files: input.files ?? [],
      objects: deepClone([...input.objects]),
    },
    desired: null,
    newObjects: [],
  };
  const release = releaseOfBase(draft);
  if (release) draft.desired = stripRelease(desiredOf(release));
  else if (input.source !== 'none')
    throw new DraftFormatError(
      `no route for host ${input.host} in namespace ${input.namespace} among the base objects`,
    );
  return draft;
}

/** Changes the draft's desired release with the routing core's edits (setSplit, addContentRule, …). */
export function editDraft(draft: Draft, edit: (d: DesiredRelease) => DesiredRelease): Draft {
  const desired = desiredReleaseOf(draft);
  if (!desired) throw new DraftFormatError(`draft ${draft.id} has no route to edit`);
  return { ...draft, desired: stripRelease(edit(desired)) };
}

export function desiredReleaseOf(draft: Draft): DesiredRelease | undefined {
  if (!draft.desired) return undefined;
  const release = releaseOfBase(draft);
  if (!release)
    throw new DraftFormatError(
      `draft ${draft.id}: the base no longer holds a route for ${draft.host} in ${draft.namespace}`,
    );
  return { release, ...draft.desired };
}

export type DraftChange =
  | { target: ObjectKey; patch: JsonPatchOp[] }
  | { target: ObjectKey; create: KubeObject };

/**
 * The draft as changes to its base: per existing object, the plan's patch (steps on one object
 * joined in plan order, `test`s on resourceVersion and on every replaced value included); per new
 * object, the object. The plan's ops insert and remove array entries where they belong, where a
 * plain diff by index would rewrite every entry after an insertion.
 */
/** One step of the draft's own plan against its base, in plan (make-before-break) order. */
export interface DraftStep {
  id: string;
  description: string;
  target: ObjectKey;
  patch: JsonPatchOp[];
}

/** The routing core's plan from the base to the draft's desired release ([] without a route). */
export function draftSteps(draft: Draft): DraftStep[] {
  const desired = desiredReleaseOf(draft);
  if (!desired) return [];
  const plan = planRelease(desired.release, desired, draft.base.objects);
  return plan.steps.map((step) => {
    const base = draft.base.objects.find((o) => sameRef(o, step.target));
    if (!base) throw new DraftFormatError(`plan step ${step.id} targets an object not in the base`);
    return { id: step.id, description: step.description, target: objectKeyOf(base), patch: step.patch };
  });
}

export function draftChanges(draft: Draft): DraftChange[] {
  const out: Array<{ target: ObjectKey; patch: JsonPatchOp[] }> = [];
  for (const step of draftSteps(draft)) {
    const existing = out.find((c) => sameKey(c.target, step.target));
    // A second step on the same object runs after the first changed it: its resourceVersion
    // test no longer holds offline, so only its value tests and changes are kept.
    if (existing) existing.patch.push(...step.patch.filter((op) => op.path !== '/metadata/resourceVersion'));
    else out.push({ target: step.target, patch: [...step.patch] });
  }
  return [...out, ...draft.newObjects.map((o) => ({ target: objectKeyOf(o), create: deepClone(o) }))];
}

export function sameKey(a: ObjectKey, b: ObjectKey): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}

function sameRef(o: KubeObject, t: { kind: string; namespace: string; name: string }): boolean {
  return (
    o.kind === t.kind && o.metadata.name === t.name && (o.metadata.namespace || 'default') === t.namespace
  );
}

/** The base objects with the draft applied, followed by the objects the draft creates. */
export function draftObjects(draft: Draft): KubeObject[] {
  const objects = deepClone(draft.base.objects);
  const created: KubeObject[] = [];
  for (const change of draftChanges(draft)) {
    if ('create' in change) {
      created.push(change.create);
      continue;
    }
    const i = objects.findIndex((o) => sameKey(objectKeyOf(o), change.target));
    objects[i] = applyJsonPatch(objects[i] as KubeObject, change.patch);
  }
  return [...objects, ...created];
}
