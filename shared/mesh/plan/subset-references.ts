// Who still sends requests to a DestinationRule subset: every place in VirtualServices that names
// it as a destination (http, tcp and tls routes) or as a mirror. A subset is only removed once none
// is left; a route that names a subset no DestinationRule defines answers 503.

import type { KubeObject } from '../model/index.ts';
import { isPlainObject } from '../model/index.ts';
import { resolveHost } from '../read/index.ts';

/** One subset of one host: `fqdn` as resolveHost gives it. */
export interface SubsetTarget {
  fqdn: string;
  subset: string;
}

/** A field of a VirtualService naming the target, e.g. `VirtualService shop/front spec.tcp[0].route[1]`. */
export interface SubsetReference {
  namespace: string;
  name: string;
  field: string;
}

const records = (x: unknown): Array<Record<string, unknown>> =>
  Array.isArray(x) ? x.filter(isPlainObject) : [];

/** Every field of one VirtualService that sends requests (or copies of them) to the target. */
export function subsetReferencesIn(vs: KubeObject, target: SubsetTarget): SubsetReference[] {
  if (vs.kind !== 'VirtualService' || !isPlainObject(vs.spec)) return [];
  const namespace = vs.metadata.namespace || 'default';
  const out: SubsetReference[] = [];
  const names = (destination: unknown, field: string) => {
    if (!isPlainObject(destination) || typeof destination.host !== 'string') return;
    if (destination.subset !== target.subset) return;
    if (resolveHost(destination.host, namespace) !== target.fqdn) return;
    out.push({ namespace, name: vs.metadata.name, field });
  };
  for (const section of ['http', 'tcp', 'tls'] as const) {
    records(vs.spec[section]).forEach((route, i) => {
      const at = `spec.${section}[${i}]`;
      records(route.route).forEach((d, j) => {
        names(d.destination, `${at}.route[${j}]`);
      });
      if (section !== 'http') return;
      names(route.mirror, `${at}.mirror`);
      records(route.mirrors).forEach((m, j) => {
        names(m.destination, `${at}.mirrors[${j}]`);
      });
    });
  }
  return out;
}

/** The references of every VirtualService among `objects` to any of the targets. */
export function subsetReferences(
  objects: readonly KubeObject[],
  targets: readonly SubsetTarget[],
): Array<SubsetReference & SubsetTarget> {
  return objects.flatMap((o) =>
    targets.flatMap((t) => subsetReferencesIn(o, t).map((r) => ({ ...r, ...t }))),
  );
}
