import type { ResourceType } from './object-store.ts';

/** A printer column the way a CRD declares it (additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** Everything the server says about a resource in discovery, beyond the store contract. */
export interface ServedResource extends ResourceType {
  singular: string;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Objects live under this key whichever version is asked for (istio v1 and v1beta1 share one). */
  storageKey: string;
  storageVersion: string;
  /** Served from CustomResourceDefinitions (merge patch, schema validation) rather than built in. */
  custom: boolean;
  /** Not stored: create-only review objects answered by the server. */
  virtual?: boolean;
  printerColumns?: PrinterColumn[];
}

const crudVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const ageColumn: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

interface Spec {
  group: string;
  versions: string[];
  resource: string;
  kind: string;
  singular?: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: string[];
  custom?: boolean;
  virtual?: boolean;
  verbs?: string[];
  printerColumns?: PrinterColumn[];
}

const specs: Spec[] = [
  {
    group: '',
    versions: ['v1'],
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
  },
  {
    group: '',
    versions: ['v1'],
    resource: 'services',
    kind: 'Service',
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: '',
    versions: ['v1'],
    resource: 'pods',
    kind: 'Pod',
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    resource: 'deployments',
    kind: 'Deployment',
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['scale', 'status'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    resource: 'replicasets',
    kind: 'ReplicaSet',
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['scale', 'status'],
  },
  {
    group: 'apiextensions.k8s.io',
    versions: ['v1'],
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
  },
  {
    group: 'authorization.k8s.io',
    versions: ['v1'],
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    virtual: true,
    verbs: ['create'],
  },
  // Gateway API before Istio: the real API server lists CRD groups of equal priority by name, so
  // kubectl resolves a bare `gateways` to gateway.networking.k8s.io (Istio's is `gw` or its full name).
  {
    group: 'gateway.networking.k8s.io',
    versions: ['v1'],
    resource: 'httproutes',
    kind: 'HTTPRoute',
    categories: ['gateway-api'],
    subresources: ['status'],
    custom: true,
    printerColumns: [{ name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' }, ageColumn],
  },
  {
    group: 'gateway.networking.k8s.io',
    versions: ['v1'],
    resource: 'gateways',
    kind: 'Gateway',
    shortNames: ['gtw'],
    categories: ['gateway-api'],
    subresources: ['status'],
    custom: true,
    printerColumns: [
      { name: 'Class', type: 'string', jsonPath: '.spec.gatewayClassName' },
      { name: 'Address', type: 'string', jsonPath: '.status.addresses[*].value' },
      { name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status' },
      ageColumn,
    ],
  },
  {
    // What lets an HTTPRoute send to a Service in another namespace (the grant lives beside the Service).
    group: 'gateway.networking.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'referencegrants',
    kind: 'ReferenceGrant',
    shortNames: ['refgrant'],
    categories: ['gateway-api'],
    custom: true,
    printerColumns: [ageColumn],
  },
  {
    group: 'networking.istio.io',
    versions: ['v1', 'v1beta1'],
    resource: 'virtualservices',
    kind: 'VirtualService',
    shortNames: ['vs'],
    categories: ['istio-io', 'networking-istio-io'],
    subresources: ['status'],
    custom: true,
    printerColumns: [
      {
        name: 'Gateways',
        type: 'string',
        jsonPath: '.spec.gateways',
        description: 'The names of gateways and sidecars that should apply these routes',
      },
      {
        name: 'Hosts',
        type: 'string',
        jsonPath: '.spec.hosts',
        description: 'The destination hosts to which traffic is being sent',
      },
      ageColumn,
    ],
  },
  {
    group: 'networking.istio.io',
    versions: ['v1', 'v1beta1'],
    resource: 'destinationrules',
    kind: 'DestinationRule',
    shortNames: ['dr'],
    categories: ['istio-io', 'networking-istio-io'],
    subresources: ['status'],
    custom: true,
    printerColumns: [
      {
        name: 'Host',
        type: 'string',
        jsonPath: '.spec.host',
        description: 'The name of a service from the service registry',
      },
      ageColumn,
    ],
  },
  {
    group: 'networking.istio.io',
    versions: ['v1', 'v1beta1'],
    resource: 'gateways',
    kind: 'Gateway',
    shortNames: ['gw'],
    categories: ['istio-io', 'networking-istio-io'],
    subresources: ['status'],
    custom: true,
    printerColumns: [ageColumn],
  },
];

function expand(spec: Spec): ServedResource[] {
  const storageVersion = spec.versions[0] ?? 'v1';
  return spec.versions.map((version) => {
    const r: ServedResource = {
      group: spec.group,
      version,
      resource: spec.resource,
      kind: spec.kind,
      namespaced: spec.namespaced ?? true,
      listKind: `${spec.kind}List`,
      singular: spec.singular ?? spec.kind.toLowerCase(),
      shortNames: spec.shortNames ?? [],
      categories: spec.categories ?? [],
      verbs: spec.verbs ?? crudVerbs,
      storageKey: `${spec.group}/${spec.resource}`,
      storageVersion,
      custom: spec.custom ?? false,
    };
    if (spec.subresources) r.subresources = spec.subresources;
    if (spec.virtual) r.virtual = true;
    if (spec.printerColumns) r.printerColumns = spec.printerColumns;
    return r;
  });
}

/** Every resource the demo server serves, in discovery order (preferred version first per group). */
export const servedResources: readonly ServedResource[] = specs.flatMap(expand);

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

const byGvr = new Map(servedResources.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]));
const byGvk = new Map(servedResources.map((r) => [`${apiVersionOf(r)}/${r.kind}`, r]));

export function findResource(group: string, version: string, resource: string): ServedResource | undefined {
  return byGvr.get(`${group}/${version}/${resource}`);
}

export function findResourceByKind(apiVersion: string, kind: string): ServedResource | undefined {
  return byGvk.get(`${apiVersion}/${kind}`);
}

/** The served description of a type the caller may have built by hand (only its group/version/resource count). */
export function served(type: ResourceType): ServedResource {
  const r = findResource(type.group, type.version, type.resource);
  if (!r) throw new Error(`the demo server does not serve ${type.resource} in ${apiVersionOf(type)}`);
  return r;
}

/** The group/version pairs, in the order discovery lists them, preferred version first. */
export function groupVersions(): Array<{ group: string; versions: string[] }> {
  const groups = new Map<string, string[]>();
  for (const r of servedResources) {
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([group, versions]) => ({ group, versions }));
}
