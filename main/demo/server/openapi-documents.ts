// OpenAPI v3 documents: each group-version lists its paths with the x-kubernetes-group-version-kind
// extension and the fieldValidation/dryRun parameters, so kubectl leaves validation to the server
// (which answers 422) instead of validating client-side. The custom kinds (Istio's and Gateway
// API's) are described by their CRDs' full structural schemas, as a real API server publishes
// them, so `kubectl explain virtualservice.spec.http.route.weight` works; the built-in kinds keep
// open schemas. Strategic merge patch is deliberately not advertised: kubectl then builds it from
// its own compiled-in types, which are complete, rather than from these schemas.
import { createHash } from 'node:crypto';
import crdSchemas from '../store/crd-schemas.json';
import type { ServedResource } from '../store/resource-types.ts';
import { apiVersionOf, groupVersions, servedResources } from '../store/resource-types.ts';
import { serverVersion } from './discovery.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(r: ServedResource): string {
  const reversed = r.group ? r.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${reversed}.${r.version}.${r.kind}`;
}

const param = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});
const writeParams = [
  param('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All'),
  param('fieldManager', 'the name of the actor or entity that is making these changes'),
  param('fieldValidation', 'how the server treats unknown or duplicate fields: Ignore, Warn or Strict'),
];
const listParams = [
  'labelSelector',
  'fieldSelector',
  'limit',
  'continue',
  'resourceVersion',
  'resourceVersionMatch',
  'timeoutSeconds',
  'watch',
  'allowWatchBookmarks',
  'sendInitialEvents',
].map((n) => param(n, n));

function operations(r: ServedResource) {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const ref = { $ref: `#/components/schemas/${schemaName(r)}` };
  const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
  const op = (action: string, operationId: string, extra: Record<string, unknown> = {}) => ({
    operationId,
    tags: [r.group || 'core'],
    responses: ok,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const scope = r.namespaced ? 'Namespaced' : '';
  const body = (types: string[]) => ({
    content: Object.fromEntries(types.map((t) => [t, { schema: ref }])),
    required: true,
  });
  const base = `/${gvPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
  const ns = r.namespaced
    ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }]
    : [];
  const name = [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }];
  const paths: Record<string, unknown> = {};
  if (r.virtual) {
    paths[base] = {
      post: op('post', `create${r.kind}`, { parameters: writeParams, requestBody: body(['*/*']) }),
    };
    return paths;
  }
  paths[base] = {
    get: op('list', `list${scope}${r.kind}`, { parameters: listParams }),
    post: op('post', `create${scope}${r.kind}`, { parameters: writeParams, requestBody: body(['*/*']) }),
    parameters: ns,
  };
  paths[`${base}/{name}`] = {
    get: op('get', `read${scope}${r.kind}`),
    put: op('put', `replace${scope}${r.kind}`, { parameters: writeParams, requestBody: body(['*/*']) }),
    patch: op('patch', `patch${scope}${r.kind}`, {
      parameters: [...writeParams, param('force', 'Force is going to "force" Apply requests.')],
      requestBody: body([
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/apply-patch+yaml',
      ]),
    }),
    delete: op('delete', `delete${scope}${r.kind}`, { parameters: writeParams.slice(0, 1) }),
    parameters: [...name, ...ns],
  };
  return paths;
}

type Schema = { properties?: Record<string, unknown> } & Record<string, unknown>;

/** The structural schema of a custom kind's CRD (generated from the reference CRDs), if there is one. */
function crdSchemaOf(r: ServedResource): Schema | undefined {
  return (crdSchemas as Record<string, Schema>)[`${r.group}/${r.version}/${r.kind}`];
}

function schemaOf(r: ServedResource) {
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const structural = crdSchemaOf(r);
  const base = {
    type: 'object',
    description: `${r.kind} (${apiVersionOf(r)}) served by the Switchyard demo mesh.`,
    properties: {
      apiVersion: {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      kind: {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents.',
      },
      metadata: {
        type: 'object',
        description: 'Standard object metadata.',
        'x-kubernetes-preserve-unknown-fields': true,
      },
      spec: { ...open, description: `The desired state of the ${r.kind}.` },
      status: { ...open, description: `The observed state of the ${r.kind}.` },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: r.kind }],
  };
  if (!structural) return base;
  // As kube-apiserver publishes a CRD: its schema, with apiVersion, kind and metadata described.
  const { apiVersion, kind, metadata } = base.properties;
  return {
    ...structural,
    description: (structural.description as string | undefined) ?? base.description,
    properties: { ...structural.properties, apiVersion, kind, metadata },
    'x-kubernetes-group-version-kind': base['x-kubernetes-group-version-kind'],
  };
}

function buildGroupVersionDocument(group: string, version: string) {
  const resources = servedResources.filter((r) => r.group === group && r.version === version);
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const r of resources) {
    Object.assign(paths, operations(r));
    schemas[schemaName(r)] = schemaOf(r);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: serverVersion.gitVersion },
    paths,
    components: { schemas },
  };
}

interface Built {
  root: string;
  docs: Map<string, string>;
}
let built: Built | undefined;

function build(): Built {
  const docs = new Map<string, string>();
  const rootPaths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, versions } of groupVersions()) {
    for (const version of versions) {
      const path = gvPath(group, version);
      const json = JSON.stringify(buildGroupVersionDocument(group, version));
      const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
      docs.set(path, json);
      rootPaths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
    }
  }
  return { root: JSON.stringify({ paths: rootPaths }), docs };
}

/** The body for a GET under /openapi/v3, or undefined for 404. */
export function openApiV3(pathname: string): string | undefined {
  built ??= build();
  const rest = pathname.replace(/^\/openapi\/v3\/?/, '');
  if (rest === '') return built.root;
  return built.docs.get(rest);
}
