// Base, draft and live side by side: every object the draft changes or creates, merged with its
// live copy (after the operator's resolutions), as YAML for a three-way view.

import type {
  ConflictResolution,
  DraftCompareView,
  DraftObjectCompare,
} from '../../../shared/api/draft-schemas.ts';
import { mergeObjectsResolved } from '../../../shared/drafts/merge-resolutions.ts';
import type { ObjectKey, ObjectMerge, ObjectsMergeResult } from '../../../shared/drafts/three-way-merge.ts';
import { objectKeyOf } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { deepEqual } from '../../../shared/mesh/model/index.ts';
import { changedObjects, forKubectl } from './draft-export.ts';
import { draftObjects } from './draft-objects.ts';
import type { Draft } from './draft-schema.ts';
import { objectYaml, yamlOf } from './draft-views.ts';

export function keyText(k: Pick<ObjectKey, 'kind' | 'namespace' | 'name'>): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

/** The objects the draft changes or creates (what a compare needs from the cluster). */
export function draftChangedObjects(draft: Draft): KubeObject[] {
  return changedObjects(draft.base.objects, draftObjects(draft));
}

export interface DraftComparison {
  view: DraftCompareView;
  merge: ObjectsMergeResult;
  /** The draft's changed and created objects (ours). */
  changed: KubeObject[];
  /** Live copies by keyText (undefined: not in the cluster). */
  live: ReadonlyMap<string, KubeObject | undefined>;
}

function liveChanged(base: KubeObject | undefined, live: KubeObject | undefined): boolean {
  if (!base || !live) return base !== live;
  return !deepEqual(forKubectl(base), forKubectl(live));
}

function mergedYamlOf(m: ObjectMerge | undefined, live: KubeObject | undefined): string {
  if (!m) return objectYaml(live);
  switch (m.outcome) {
    case 'merged':
    case 'create':
      return objectYaml(m.merged);
    case 'unchanged':
      return objectYaml(m.live);
    case 'conflict':
      return '';
  }
}

/**
 * Compares the draft with the live objects. A merged object with nothing left to write (the cluster
 * has the draft's change already, or every overlap took the cluster's side) reads as 'unchanged', as
 * does one whose change was dropped by taking the cluster's deletion.
 */
export function compareDraft(
  draft: Draft,
  live: ReadonlyMap<string, KubeObject | undefined>,
  resolutions: readonly ConflictResolution[],
  now: Date,
): DraftComparison {
  const changed = draftChangedObjects(draft);
  const theirs = changed
    .map((o) => live.get(keyText(objectKeyOf(o))))
    .filter((o): o is KubeObject => o !== undefined);
  const merge = mergeObjectsResolved(draft.base.objects, changed, theirs, resolutions);
  const byKey = new Map(merge.objects.map((m) => [keyText(m.key), m]));
  const bases = new Map(draft.base.objects.map((o) => [keyText(objectKeyOf(o)), o]));
  const objects = changed.map((o): DraftObjectCompare => {
    const key = objectKeyOf(o);
    const k = keyText(key);
    const m = byKey.get(k);
    const b = bases.get(k);
    const t = live.get(k);
    const outcome = !m || (m.outcome === 'merged' && m.patch.length === 0) ? 'unchanged' : m.outcome;
    return {
      kind: key.kind,
      namespace: key.namespace,
      name: key.name,
      outcome,
      liveChanged: liveChanged(b, t),
      baseYaml: objectYaml(b),
      draftYaml: objectYaml(o),
      liveYaml: objectYaml(t),
      mergedYaml: mergedYamlOf(m, t),
      conflicts:
        m?.outcome === 'conflict'
          ? m.conflicts.map((c) => ({
              path: c.path,
              baseYaml: yamlOf(c.base),
              draftYaml: yamlOf(c.ours),
              liveYaml: yamlOf(c.theirs),
            }))
          : [],
    };
  });
  return {
    view: {
      draftId: draft.id,
      contextId: draft.context,
      comparedAt: now.toISOString(),
      ok: merge.ok,
      objects,
    },
    merge,
    changed,
    live,
  };
}

/** `VirtualService bookinfo/reviews at /spec/http/2/route/0/weight, …; DestinationRule …`. */
export function describeConflicts(view: DraftCompareView): string {
  return view.objects
    .filter((o) => o.outcome === 'conflict')
    .map(
      (o) =>
        `${o.kind} ${o.namespace}/${o.name} at ${o.conflicts.map((c) => c.path || '(the whole object)').join(', ')}`,
    )
    .join('; ');
}
