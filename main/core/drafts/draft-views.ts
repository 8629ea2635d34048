// What the renderer sees of a draft: a summary line for the list, and the full view with the
// release as the draft makes it (through the same releaseView the live console uses, over the
// draft's own objects) beside the release as the base had it, and a per-object YAML diff.

import { DRAFT_CONTEXT_PREFIX } from '../../../shared/api/draft-context.ts';
import type { DraftObjectDiff, DraftSummary, DraftView } from '../../../shared/api/draft-schemas.ts';
import { objectKeyOf } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject, RegexEngine, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { yamlText } from '../../../shared/text/yaml-text.ts';
import type { ObjectLookup } from '../views/release-views.ts';
import { createReleaseLinter, releaseView } from '../views/release-views.ts';
import { changedObjects, forKubectl } from './draft-export.ts';
import { newVersionView } from './draft-new-version.ts';
import { draftObjects, releaseIn, releaseOfBase, sameKey } from './draft-objects.ts';
import type { Draft } from './draft-schema.ts';

/** YAML of a value for a diff or a conflict ('' when there is none). */
export function yamlOf(value: unknown): string {
  return value === undefined ? '' : yamlText(value);
}

/** An object as YAML without server-owned metadata (what an operator compares and applies). */
export function objectYaml(o: KubeObject | undefined): string {
  return o ? yamlOf(forKubectl(o)) : '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The draft's desired release in words: `v1 90%, v2 10%; 1 rule`. */
export function describeDesired(draft: Pick<Draft, 'desired' | 'newObjects'>): string {
  const d = draft.desired;
  if (!d)
    return draft.newObjects.length > 0 ? `creates ${plural(draft.newObjects.length, 'object')}` : 'no route';
  const parts = [d.split.map((s) => `${s.version} ${s.weight}%`).join(', ') || 'no weighted route'];
  const rules = d.rules.filter((r) => r.enabled).length;
  if (rules > 0) parts.push(plural(rules, 'rule'));
  if (d.addedVersions.length > 0) parts.push(`adds ${d.addedVersions.map((v) => v.name).join(', ')}`);
  if (d.removedVersions.length > 0) parts.push(`removes ${d.removedVersions.join(', ')}`);
  return parts.join('; ');
}

function baseReleaseOf(draft: Draft): ServiceRelease | undefined {
  try {
    return releaseOfBase(draft);
  } catch {
    return undefined;
  }
}

export function draftSummary(draft: Draft): DraftSummary {
  let summary = describeDesired(draft);
  let changed = 0;
  try {
    changed = changedObjects(draft.base.objects, draftObjects(draft)).length;
  } catch (err) {
    // A draft whose base no longer yields a plan still lists, saying why it cannot be applied.
    summary = `${summary} (cannot be planned: ${(err as Error).message})`;
  }
  const release = baseReleaseOf(draft);
  const nv = newVersionView(draft);
  return {
    id: draft.id,
    name: draft.name,
    notes: draft.notes,
    contextId: draft.context,
    namespace: draft.namespace,
    host: draft.host,
    ...(release ? { releaseId: release.id } : {}),
    createdAt: draft.createdAt,
    updatedAt: draft.updatedAt,
    baseSource: draft.base.source,
    baseCapturedAt: draft.base.capturedAt,
    summary,
    changedObjects: changed,
    ...(nv ? { newVersion: nv } : {}),
    ...(draft.applied ? { applied: draft.applied } : {}),
  };
}

/** Looks objects up among a draft's own objects (no pods: a draft has none of its own). */
export function objectsLookup(objects: readonly KubeObject[]): ObjectLookup {
  return {
    find: (kind, namespace, name) =>
      objects.find(
        (o) =>
          o.kind === kind && o.metadata.name === name && (o.metadata.namespace || 'default') === namespace,
      ),
    pods: (namespace) =>
      objects.filter((o) => o.kind === 'Pod' && (o.metadata.namespace || 'default') === namespace),
  };
}

/** Base → draft, one entry per object the draft changes or creates. */
export function draftDiff(base: readonly KubeObject[], objects: readonly KubeObject[]): DraftObjectDiff[] {
  return changedObjects(base, objects).map((o) => {
    const key = objectKeyOf(o);
    const before = base.find((b) => sameKey(objectKeyOf(b), key));
    return {
      kind: key.kind,
      namespace: key.namespace,
      name: key.name,
      action: before ? 'change' : 'create',
      beforeYaml: objectYaml(before),
      afterYaml: objectYaml(o),
    };
  });
}

export function draftView(draft: Draft, engine: RegexEngine): DraftView {
  const objects = draftObjects(draft);
  const facts = { contextId: `${DRAFT_CONTEXT_PREFIX}${draft.id}` };
  // A linter per view: its cache is keyed by resourceVersion, which a draft's objects share with
  // their base while their content differs.
  const view = (release: ServiceRelease | undefined, from: readonly KubeObject[]) => {
    if (!release) return null;
    const v = releaseView(release, objectsLookup(from), facts, createReleaseLinter(engine));
    // A draft holds no pods: its version cards say so rather than show 0/0.
    return { ...v, versions: v.versions.map((x) => ({ ...x, podsUnknown: true })) };
  };
  return {
    ...draftSummary(draft),
    release: view(releaseIn(objects, draft.namespace, draft.host), objects),
    baseRelease: view(releaseOfBase(draft), draft.base.objects),
    diff: draftDiff(draft.base.objects, objects),
  };
}
