import { OBJECT_META_FIELDS } from '../../../shared/mesh/model/index.ts';
import { rfc3339At } from './compact-strings.ts';
import type { KubeObject } from './object-store.ts';

/**
 * One stored object and its JSON, made on first read and shared by every list and watch after.
 * (A template-backed object of the generated filler is a subclass that makes both on each read.)
 */
export class StoredEntry {
  private cachedJson: string | undefined;
  constructor(
    private readonly stored: KubeObject | undefined,
    readonly rv: number,
    /** metadata.managedFields was recorded by the store against exactly this object. */
    readonly fieldsTracked = false,
  ) {}

  get obj(): KubeObject {
    return this.stored as KubeObject;
  }

  /** `namespace/name`, or `name` when cluster-scoped: the key lists are sorted by. */
  key(): string {
    const m = this.obj.metadata;
    return m.namespace ? `${m.namespace}/${m.name}` : m.name;
  }

  /** The object's JSON in the storage apiVersion. */
  json(): string {
    this.cachedJson ??= frozenJson(this.obj);
    return this.cachedJson;
  }

  protected storedApiVersion(): string {
    return this.obj.apiVersion;
  }

  /** The JSON as another version of the same group would serve it (only apiVersion differs). */
  jsonAs(apiVersion: string): string {
    const json = this.json();
    const stored = this.storedApiVersion();
    if (apiVersion === stored) return json;
    const prefix = `{"apiVersion":${JSON.stringify(stored)}`;
    if (json.startsWith(prefix))
      return `{"apiVersion":${JSON.stringify(apiVersion)}${json.slice(prefix.length)}`;
    return JSON.stringify({ ...this.obj, apiVersion });
  }
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const metadataOrder = OBJECT_META_FIELDS;

/** Key order as the API server prints it: apiVersion, kind, metadata, spec…, status last. */
export function normalized(obj: KubeObject): KubeObject {
  const meta: Record<string, unknown> = {};
  const m = obj.metadata as Record<string, unknown>;
  for (const k of metadataOrder) if (m[k] !== undefined) meta[k] = m[k];
  for (const [k, v] of Object.entries(m)) if (!(k in meta) && v !== undefined) meta[k] = v;
  const out: Record<string, unknown> = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: meta };
  for (const [k, v] of Object.entries(obj)) {
    if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status' && v !== undefined)
      out[k] = v;
  }
  if (obj.status !== undefined) out.status = obj.status;
  return out as KubeObject;
}

/** Everything but metadata and status: the part whose change bumps metadata.generation. */
export function specPart(obj: KubeObject): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status') rest[k] = v;
  }
  return JSON.stringify(rest);
}

/** Whether the part that bumps generation differs; shared (unchanged) parts are not serialized. */
export function specChanged(a: KubeObject, b: KubeObject): boolean {
  const ka = Object.keys(a).filter(isSpecKey);
  const kb = Object.keys(b).filter(isSpecKey);
  if (ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k])) return false;
  return specPart(a) !== specPart(b);
}

function isSpecKey(k: string): boolean {
  return k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status';
}

/** A deep copy that keeps frozen parts (stored, deep-frozen subtrees) shared instead of copying them. */
export function cloneUnlessFrozen<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) return value.map(cloneUnlessFrozen) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cloneUnlessFrozen(v);
  return out as T;
}

export function withApiVersion(obj: KubeObject, apiVersion: string): KubeObject {
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

export function rfc3339Now(): string {
  return rfc3339At(Date.now());
}

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

const jsonCache = new WeakMap<object, string>();

/** JSON of a frozen stored object, made once however many watchers send it. */
export function frozenJson(obj: KubeObject, apiVersion?: string): string {
  let json = jsonCache.get(obj);
  if (json === undefined) {
    json = JSON.stringify(obj);
    jsonCache.set(obj, json);
  }
  if (!apiVersion || apiVersion === obj.apiVersion) return json;
  const prefix = `{"apiVersion":${JSON.stringify(obj.apiVersion)}`;
  return json.startsWith(prefix)
    ? `{"apiVersion":${JSON.stringify(apiVersion)}${json.slice(prefix.length)}`
    : JSON.stringify({ ...obj, apiVersion });
}
