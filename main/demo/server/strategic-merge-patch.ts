// Strategic merge patch for the built-in kinds, as kubectl apply/patch sends it: lists with a
// merge key merge item by item, `$patch`, `$retainKeys`, `$setElementOrder/…` and
// `$deleteFromPrimitiveList/…` directives. Other lists are replaced, like the Go structs say.

type Json = Record<string, unknown>;

function isMap(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};
/** Lists of scalars that merge as sets. */
const mergedPrimitiveLists = new Set(['finalizers']);

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') {
    const first = items.find(isMap);
    if (first && 'containerPort' in first) return 'containerPort';
    return 'port';
  }
  return mergeKeys[field];
}

export class StrategicMergeError extends Error {
  override name = 'StrategicMergeError';
}

export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) throw new StrategicMergeError('a strategic merge patch must be a JSON object');
  return mergeMap(isMap(target) ? target : {}, patch);
}

function mergeMap(original: Json, patch: Json): Json {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const { $patch, ...rest } = patch;
    void $patch;
    return stripDirectives(rest) as Json;
  }
  if (directive === 'delete') return {};
  if (directive !== undefined)
    throw new StrategicMergeError(`unknown patch type: ${String(directive)} in map`);
  const out: Json = { ...original };
  for (const [key, value] of Object.entries(patch)) {
    if (
      key === '$retainKeys' ||
      key.startsWith('$setElementOrder/') ||
      key.startsWith('$deleteFromPrimitiveList/')
    )
      continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const cur = out[key];
    if (isMap(value)) {
      if (value.$patch === 'delete') delete out[key];
      else out[key] = mergeMap(isMap(cur) ? cur : {}, value);
    } else if (Array.isArray(value)) {
      out[key] = mergeList(key, Array.isArray(cur) ? cur : [], value);
    } else out[key] = value;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(value) ? value : []).map((v) => JSON.stringify(v)));
      const list = out[field];
      if (Array.isArray(list)) out[field] = list.filter((v) => !drop.has(JSON.stringify(v)));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') && Array.isArray(value)) {
      const field = key.slice('$setElementOrder/'.length);
      const list = out[field];
      if (Array.isArray(list)) out[field] = reorder(field, list, value);
    }
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isMap(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

function mergeList(field: string, original: unknown[], patch: unknown[]): unknown[] {
  if (patch.some((p) => isMap(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isMap(p) && p.$patch === 'replace')).map(stripDirectives);
  }
  if (mergedPrimitiveLists.has(field)) {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => JSON.stringify(o) === JSON.stringify(v))) out.push(v);
    return out;
  }
  const key = mergeKeyFor(field, [...patch, ...original]);
  if (!key || !patch.every(isMap)) return patch.map(stripDirectives);
  const out = [...original];
  for (const item of patch as Json[]) {
    const i = out.findIndex((o) => isMap(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = mergeMap(out[i] as Json, item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function reorder(field: string, list: unknown[], order: unknown[]): unknown[] {
  const key = mergeKeyFor(field, list);
  const id = (v: unknown) => (key && isMap(v) ? JSON.stringify(v[key]) : JSON.stringify(v));
  const rank = new Map(order.map((o, i) => [id(o), i]));
  const placed = list
    .filter((v) => rank.has(id(v)))
    .sort((a, b) => (rank.get(id(a)) ?? 0) - (rank.get(id(b)) ?? 0));
  const rest = list.filter((v) => !rank.has(id(v)));
  return [...placed, ...rest];
}
