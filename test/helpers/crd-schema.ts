import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { sharedReference } from './shared-reference.ts';

// Validates objects against the real CRD schemas in ../shared/reference/crds, the way the API server
// would with `kubectl --validate=strict`: the served version's openAPIV3Schema, CEL rules
// (x-kubernetes-validations) not evaluated, and unknown fields under `spec` rejected unless the
// schema says x-kubernetes-preserve-unknown-fields.

type Schema = Record<string, unknown>;

interface CrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: Schema };
}

let crds: Map<string, Map<string, Schema>> | undefined;

function loadCrds(): Map<string, Map<string, Schema>> {
  if (crds) return crds;
  crds = new Map();
  const files = [
    sharedReference.path('crds', 'istio-1.30.3', 'crd-all.gen.yaml'),
    ...readdirSync(sharedReference.path('crds', 'gateway-api-v1.6.1-standard'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => sharedReference.path('crds', 'gateway-api-v1.6.1-standard', f)),
  ];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8')) as Array<{ toJS(): unknown }>) {
      const crd = doc.toJS() as {
        kind?: string;
        spec?: { group: string; names: { kind: string }; versions: CrdVersion[] };
      } | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      const byVersion = new Map<string, Schema>();
      for (const v of crd.spec.versions) {
        if (v.served !== false && v.schema?.openAPIV3Schema) byVersion.set(v.name, v.schema.openAPIV3Schema);
      }
      crds.set(`${crd.spec.group}/${crd.spec.names.kind}`, byVersion);
    }
  }
  return crds;
}

/** Closes every object schema under `spec` that does not preserve unknown fields. */
function strictCopy(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictCopy);
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'x-kubernetes-validations') continue;
    out[k] =
      k === 'properties' || k === 'patternProperties'
        ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, strictCopy(pv)]))
        : strictCopy(v);
  }
  if (
    s.type === 'object' &&
    s.properties &&
    !s['x-kubernetes-preserve-unknown-fields'] &&
    s.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

export interface SchemaCheck {
  /** False when no CRD schema is known for the apiVersion/kind (e.g. core kinds). */
  known: boolean;
  valid: boolean;
  errors: string[];
}

/** Validates one object against its CRD's served version. */
export function validateAgainstCrd(object: {
  apiVersion: string;
  kind: string;
  spec?: unknown;
}): SchemaCheck {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const key = `${group}/${object.kind}/${version}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = loadCrds()
      .get(`${group}/${object.kind}`)
      ?.get(version ?? '');
    if (!schema) return { known: false, valid: true, errors: [] };
    const props = (schema.properties ?? {}) as Schema;
    const strict = { ...schema, properties: { ...props, spec: strictCopy(props.spec) } };
    validate = ajv.compile(strict);
    validators.set(key, validate);
  }
  const valid = validate(object) as boolean;
  const errors = (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}`,
  );
  return { known: true, valid, errors };
}
