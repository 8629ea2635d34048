// Server-side apply: the applied configuration is merged into the live object, the manager
// owns exactly the fields it applied, fields it stopped applying are removed (unless someone
// else owns them), and a different value in a field another manager owns is a conflict.
import { KubeStatusError, type StatusCause } from '../store/kube-status-error.ts';
import type { FieldPath, ManagedFieldsEntry } from '../store/managed-fields.ts';
import {
  describePath,
  entrySet,
  fieldSetOf,
  listKeyOf,
  nowRfc3339,
  removeAt,
  toFieldsV1,
  valueAt,
} from '../store/managed-fields.ts';
import type { KubeObject } from '../store/object-store.ts';
import type { ServedResource } from '../store/resource-types.ts';
import { apiVersionOf } from '../store/resource-types.ts';

type Json = Record<string, unknown>;

function isMap(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function mergeApplied(live: unknown, applied: unknown, keyedLists: boolean): unknown {
  if (isMap(applied)) {
    const out: Json = isMap(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(out[k], v, keyedLists);
    return out;
  }
  if (Array.isArray(applied) && keyedLists && Array.isArray(live)) {
    const key = listKeyOf(applied);
    if (key) {
      const id = (x: unknown) => JSON.stringify(key(x as Json));
      const liveById = new Map(live.filter(isMap).map((x) => [id(x), x]));
      const merged = applied.map((item) => mergeApplied(liveById.get(id(item)), item, keyedLists));
      const appliedIds = new Set(applied.map(id));
      // Items others added stay (ownership decides removal below), after the applied ones.
      return [...merged, ...live.filter((x) => isMap(x) && !appliedIds.has(id(x)))];
    }
  }
  return structuredClone(applied);
}

export interface ApplyResult {
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
}

export function serverSideApply(args: {
  type: ServedResource;
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
}): ApplyResult {
  const { type, live, applied, manager, force } = args;
  const opts = { keyedLists: !type.custom };
  const appliedSet = fieldSetOf(applied as Json, opts);
  const entries = ((live?.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map((e) => ({
    entry: e,
    set: entrySet(e),
  }));
  const isMine = (e: ManagedFieldsEntry) =>
    e.manager === manager && e.operation === 'Apply' && !e.subresource;

  const conflicts = new Map<string, { apiVersion: string; paths: FieldPath[] }>();
  if (live) {
    for (const { entry, set } of entries) {
      if (entry.manager === manager) continue;
      for (const p of appliedSet) {
        if (!set.has(p)) continue;
        if (JSON.stringify(valueAt(live, p)) === JSON.stringify(valueAt(applied, p))) continue;
        if (force) set.delete(p);
        else {
          const c = conflicts.get(entry.manager) ?? { apiVersion: entry.apiVersion, paths: [] };
          c.paths.push(p);
          conflicts.set(entry.manager, c);
        }
      }
    }
  }
  if (conflicts.size > 0) throw conflictError(type, applied.metadata.name, conflicts);

  let merged = mergeApplied(live ? structuredClone(live) : {}, applied, opts.keyedLists) as KubeObject;
  if (live) {
    merged = { ...merged, apiVersion: live.apiVersion, kind: live.kind };
    const previous = entries.find(({ entry }) => isMine(entry))?.set ?? new Set<FieldPath>();
    for (const p of previous) {
      if (appliedSet.has(p)) continue;
      const ownedElsewhere = entries.some(({ entry, set }) => !isMine(entry) && set.has(p));
      if (!ownedElsewhere) removeAt(merged, p);
    }
  }
  const next: ManagedFieldsEntry[] = [];
  for (const { entry, set } of entries) {
    if (isMine(entry)) continue;
    if (set.size > 0) next.push({ ...entry, fieldsV1: toFieldsV1(set) });
  }
  if (appliedSet.size > 0) {
    next.push({
      manager,
      operation: 'Apply',
      apiVersion: apiVersionOf(type),
      time: nowRfc3339(),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(appliedSet),
    });
  }
  return { object: merged, managedFields: next };
}

function conflictError(
  type: ServedResource,
  name: string,
  conflicts: Map<string, { apiVersion: string; paths: FieldPath[] }>,
): KubeStatusError {
  const causes: StatusCause[] = [];
  const lines: string[] = [];
  let count = 0;
  for (const [manager, { apiVersion, paths }] of conflicts) {
    for (const p of paths) {
      causes.push({
        reason: 'FieldManagerConflict',
        message: `conflict with "${manager}" using ${apiVersion}`,
        field: describePath(p),
      });
      count++;
    }
    if (paths.length === 1 && conflicts.size === 1)
      lines.push(`conflict with "${manager}" using ${apiVersion}: ${describePath(paths[0] ?? '')}`);
    else
      lines.push(
        `conflicts with "${manager}" using ${apiVersion}:\n${paths.map((p) => `- ${describePath(p)}`).join('\n')}`,
      );
  }
  const message = `Apply failed with ${count} conflict${count === 1 ? '' : 's'}: ${lines.join('\n')}`;
  return new KubeStatusError(409, 'Conflict', message, {
    name,
    group: type.group,
    kind: type.resource,
    causes,
  });
}

/** Applied configuration must name the object it applies to, in the URL's type. */
export function checkAppliedIdentity(
  type: ServedResource,
  applied: unknown,
  name: string,
  namespace: string | undefined,
): KubeObject {
  if (!isMap(applied))
    throw new KubeStatusError(400, 'BadRequest', 'the applied configuration must be an object');
  const obj = applied as KubeObject;
  if (!obj.apiVersion || !obj.kind) {
    throw new KubeStatusError(
      400,
      'BadRequest',
      'invalid object type: apiVersion and kind must be set in an applied configuration',
    );
  }
  if (obj.kind !== type.kind) {
    throw new KubeStatusError(
      400,
      'BadRequest',
      `the kind in the applied configuration (${obj.kind}) does not match the URL (${type.kind})`,
    );
  }
  if (!isMap(obj.metadata)) obj.metadata = { name };
  if (obj.metadata.name && obj.metadata.name !== name) {
    throw new KubeStatusError(
      400,
      'BadRequest',
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  obj.metadata.name = name;
  if (type.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw new KubeStatusError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace = namespace;
  }
  return obj;
}
