import type { KubeObject } from './object-store.ts';
import { servedResources } from './resource-types.ts';

/** CustomResourceDefinitions for the custom kinds the server serves, so clients can see what is "installed". */
export function crdObjects(): KubeObject[] {
  const byStorage = new Map<string, (typeof servedResources)[number][]>();
  for (const r of servedResources) {
    if (!r.custom) continue;
    byStorage.set(r.storageKey, [...(byStorage.get(r.storageKey) ?? []), r]);
  }
  return [...byStorage.values()].map((versions) => {
    const first = versions[0] as (typeof servedResources)[number];
    const names: Record<string, unknown> = {
      plural: first.resource,
      singular: first.singular,
      kind: first.kind,
      listKind: first.listKind,
    };
    if (first.shortNames.length > 0) names.shortNames = first.shortNames;
    if (first.categories.length > 0) names.categories = first.categories;
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `${first.resource}.${first.group}`,
        labels: { 'app.kubernetes.io/part-of': 'switchyard-demo' },
      },
      spec: {
        group: first.group,
        names,
        scope: first.namespaced ? 'Namespaced' : 'Cluster',
        versions: versions.map((r) => ({
          name: r.version,
          served: true,
          storage: r.version === r.storageVersion,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          subresources: { status: {} },
          ...(r.printerColumns ? { additionalPrinterColumns: r.printerColumns } : {}),
        })),
      },
      status: {
        acceptedNames: names,
        storedVersions: [first.storageVersion],
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ],
      },
    };
  });
}
