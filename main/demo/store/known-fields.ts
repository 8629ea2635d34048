// The fields each served kind declares, deep enough to catch the usual typos (`spec.http[0].rout`)
// for fieldValidation: Strict answers 400, Warn adds a Warning header, and both Warn and Ignore
// prune, as a structural CRD schema does. Beyond the depth listed here, anything is accepted.

import { OBJECT_META_FIELDS } from '../../../shared/mesh/model/index.ts';

/** A node: a list of known keys with optional children (`*` marks an open map). */
type Shape = { [key: string]: Shape | true };

const objectMeta: Shape = Object.fromEntries(OBJECT_META_FIELDS.map((k) => [k, true]));

const destination: Shape = { host: true, subset: true, port: true };
const httpRoute: Shape = {
  name: true,
  match: true,
  route: { destination, weight: true, headers: true },
  redirect: true,
  directResponse: true,
  delegate: true,
  rewrite: true,
  timeout: true,
  retries: true,
  fault: true,
  mirror: destination,
  mirrors: true,
  mirrorPercentage: true,
  mirrorPercent: true,
  mirror_percent: true,
  corsPolicy: true,
  headers: true,
};

const specs: Record<string, Shape> = {
  'networking.istio.io/VirtualService': {
    hosts: true,
    gateways: true,
    exportTo: true,
    http: httpRoute,
    tls: { match: true, route: { destination, weight: true } },
    tcp: { match: true, route: { destination, weight: true } },
  },
  'networking.istio.io/DestinationRule': {
    host: true,
    trafficPolicy: true,
    exportTo: true,
    workloadSelector: true,
    subsets: { name: true, labels: true, trafficPolicy: true },
  },
  'networking.istio.io/Gateway': { servers: true, selector: true },
  'gateway.networking.k8s.io/HTTPRoute': {
    parentRefs: true,
    hostnames: true,
    useDefaultGateways: true,
    rules: {
      name: true,
      matches: true,
      filters: true,
      backendRefs: true,
      timeouts: true,
      retry: true,
      sessionPersistence: true,
    },
  },
  'gateway.networking.k8s.io/Gateway': {
    gatewayClassName: true,
    listeners: true,
    addresses: true,
    infrastructure: true,
    backendTLS: true,
    allowedListeners: true,
    defaultScope: true,
    tls: true,
  },
};

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function walk(value: unknown, shape: Shape, path: string, out: string[]): void {
  const visit = (v: unknown, p: string) => {
    if (!isMap(v)) return;
    for (const [k, child] of Object.entries(v)) {
      const s = shape[k];
      const here = p ? `${p}.${k}` : k;
      if (s === undefined) out.push(here);
      else if (s !== true) walk(child, s, here, out);
    }
  };
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) visit(item, `${path}[${i}]`);
  } else visit(value, path);
}

/** Paths of fields the kind does not declare, in kube-apiserver's notation (`.spec.http[0].rout`). */
export function unknownFields(group: string, kind: string, obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  const spec = specs[`${group}/${kind}`];
  const top: Shape = { apiVersion: true, kind: true, metadata: objectMeta, spec: spec ?? true, status: true };
  walk(obj, top, '', out);
  return out.map((p) => `.${p}`);
}

/** Removes the given unknown fields (in place), as structural pruning would. */
export function pruneFields(obj: Record<string, unknown>, paths: string[]): void {
  for (const path of paths) {
    const tokens = path.match(/\.[^.[]+|\[\d+\]/g) ?? [];
    let cur: unknown = obj;
    tokens.forEach((tok, i) => {
      if (cur === undefined || cur === null || typeof cur !== 'object') return;
      const key = tok.startsWith('.') ? tok.slice(1) : Number(tok.slice(1, -1));
      if (i === tokens.length - 1) {
        if (isMap(cur)) delete cur[key as string];
      } else cur = (cur as Record<string | number, unknown>)[key];
    });
  }
}
