// What the API server checks before it stores an object: names, labels, and for custom
// resources the CRD's OpenAPI schema (through the @kubernetes-models validators).
import { Gateway as GatewayApiGateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { Gateway as IstioGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { DestinationRule as DestinationRuleV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway as IstioGatewayV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { VirtualService as VirtualServiceV1beta1 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import type { StatusCause } from './kube-status-error.ts';
import type { KubeObject } from './object-store.ts';
import type { ServedResource } from './resource-types.ts';

interface SchemaModel {
  validate(): void;
}
type ModelCtor = new (data: never) => SchemaModel;

const models: Record<string, ModelCtor> = {
  'networking.istio.io/v1/VirtualService': VirtualService as unknown as ModelCtor,
  'networking.istio.io/v1/DestinationRule': DestinationRule as unknown as ModelCtor,
  'networking.istio.io/v1/Gateway': IstioGateway as unknown as ModelCtor,
  'networking.istio.io/v1beta1/VirtualService': VirtualServiceV1beta1 as unknown as ModelCtor,
  'networking.istio.io/v1beta1/DestinationRule': DestinationRuleV1beta1 as unknown as ModelCtor,
  'networking.istio.io/v1beta1/Gateway': IstioGatewayV1beta1 as unknown as ModelCtor,
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute as unknown as ModelCtor,
  'gateway.networking.k8s.io/v1/Gateway': GatewayApiGateway as unknown as ModelCtor,
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/spec/http/0/route/0/weight` → `spec.http[0].route[0].weight`, the way kube-apiserver names fields. */
export function fieldPathOf(instancePath: string): string {
  let out = '';
  for (const part of instancePath.split('/').slice(1)) {
    const p = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  }
  return out;
}

function valueAtPointer(obj: unknown, pointer: string): unknown {
  let cur = obj;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function causeOf(err: AjvError, obj: unknown): StatusCause {
  const field = fieldPathOf(err.instancePath);
  const value = valueAtPointer(obj, err.instancePath);
  const shown = JSON.stringify(value) ?? 'null';
  switch (err.keyword) {
    case 'type':
      return {
        reason: 'FieldValueTypeInvalid',
        field,
        message: `Invalid value: "${typeName(value)}": ${field} in body must be of type ${String(err.params?.type)}: ${shown}`,
      };
    case 'required': {
      const missing = String(err.params?.missingProperty ?? '');
      const full = field ? `${field}.${missing}` : missing;
      return { reason: 'FieldValueRequired', field: full, message: 'Required value' };
    }
    case 'enum':
      return {
        reason: 'FieldValueNotSupported',
        field,
        message: `Unsupported value: ${shown}: supported values: ${((err.params?.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${shown}: ${field} in body ${err.message ?? 'is invalid'}`,
      };
  }
}

/** Schema problems of a custom resource, empty when it is valid or its kind has no schema here. */
export function schemaCauses(obj: KubeObject): StatusCause[] {
  const Model = models[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) return [];
  try {
    new Model(obj as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors)) return [{ reason: 'FieldValueInvalid', message: (err as Error).message }];
    const seen = new Set<string>();
    const causes: StatusCause[] = [];
    for (const e of errors) {
      const c = causeOf(e, obj);
      const key = `${c.field}|${c.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        causes.push(c);
      }
    }
    return causes;
  }
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedName = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function nameCauses(type: ServedResource, name: string): StatusCause[] {
  if (type.resource === 'services') {
    if (name.length > 63 || !dns1035Label.test(name)) {
      return [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
        },
      ];
    }
    return [];
  }
  if (type.resource === 'namespaces') {
    if (name.length > 63 || !dns1123Label.test(name)) {
      return [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        },
      ];
    }
    return [];
  }
  if (name.length > 253 || !dns1123Subdomain.test(name)) {
    return [
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      },
    ];
  }
  return [];
}

function labelCauses(labels: unknown): StatusCause[] {
  if (labels === undefined) return [];
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    return [
      {
        reason: 'FieldValueTypeInvalid',
        field: 'metadata.labels',
        message: 'Invalid value: must be a map of strings',
      },
    ];
  }
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!qualifiedName.test(k) || k.length > 316) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
    if (typeof v !== 'string' || v.length > 63 || !labelValue.test(v)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `metadata.labels`,
        message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
  }
  return causes;
}

function builtInCauses(type: ServedResource, obj: KubeObject): StatusCause[] {
  const spec = obj.spec as Record<string, unknown> | undefined;
  const causes: StatusCause[] = [];
  if (type.resource === 'deployments' || type.resource === 'replicasets') {
    const replicas = spec?.replicas;
    if (replicas !== undefined && (!Number.isInteger(replicas) || (replicas as number) < 0)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      });
    }
    if (!spec?.selector)
      causes.push({ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
    if (!spec?.template)
      causes.push({ reason: 'FieldValueRequired', field: 'spec.template', message: 'Required value' });
  }
  if (type.resource === 'pods') {
    const containers = spec?.containers;
    if (!Array.isArray(containers) || containers.length === 0) {
      causes.push({ reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' });
    }
  }
  return causes;
}

/** Every reason the server would answer 422 Invalid for this object, or none. */
export function validationCauses(type: ServedResource, obj: KubeObject): StatusCause[] {
  const causes = [...nameCauses(type, obj.metadata.name), ...labelCauses(obj.metadata.labels)];
  if (type.custom) causes.push(...schemaCauses(obj));
  else causes.push(...builtInCauses(type, obj));
  return causes;
}
