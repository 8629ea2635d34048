// Whether a Service has ready endpoints: from its EndpointSlices when the cluster serves them
// (discovery.k8s.io/v1, labelled kubernetes.io/service-name), else from the pods its selector
// picks, the way the endpoints controller fills them (Running and Ready, not terminating).

import type { KubeObject } from '../model/index.ts';
import { isPlainObject } from '../model/index.ts';

export interface EndpointsReadiness {
  ready: number;
  total: number;
  /** Where the figures come from, for the timeline. */
  source: 'EndpointSlice' | 'Pod';
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * Ready endpoints over a Service's EndpointSlices (an endpoint without conditions counts as ready).
 * An endpoint is its pod (targetRef), else its first address: a dual-stack Service lists each pod in
 * one slice per address family, and a pod counts once, ready while every entry of it is.
 */
export function readinessFromSlices(slices: readonly KubeObject[]): EndpointsReadiness {
  const endpointReady = new Map<string, boolean>();
  let anonymous = 0;
  for (const s of slices) {
    const endpoints = (s as { endpoints?: unknown }).endpoints;
    for (const e of Array.isArray(endpoints) ? endpoints : []) {
      if (!isPlainObject(e)) continue;
      const c = isPlainObject(e.conditions) ? e.conditions : {};
      const ready = c.ready !== false && c.terminating !== true;
      const key = endpointKey(e) ?? `#${anonymous++}`;
      endpointReady.set(key, (endpointReady.get(key) ?? true) && ready);
    }
  }
  let ready = 0;
  for (const r of endpointReady.values()) if (r) ready++;
  return { ready, total: endpointReady.size, source: 'EndpointSlice' };
}

function endpointKey(e: Record<string, unknown>): string | undefined {
  const ref = isPlainObject(e.targetRef) ? e.targetRef : undefined;
  if (ref && typeof ref.name === 'string')
    return `ref:${String(ref.kind ?? '')}/${String(ref.namespace ?? '')}/${ref.name}`;
  const first = Array.isArray(e.addresses) ? e.addresses[0] : undefined;
  return typeof first === 'string' ? `ip:${first}` : undefined;
}

function podReady(pod: KubeObject): boolean {
  if (typeof pod.metadata.deletionTimestamp === 'string') return false;
  const status = pod.status as { phase?: string; conditions?: unknown } | undefined;
  const conditions = Array.isArray(status?.conditions) ? status.conditions : [];
  return (
    status?.phase === 'Running' &&
    conditions.some((c) => isPlainObject(c) && c.type === 'Ready' && c.status === 'True')
  );
}

/** Ready endpoints as the pods selected by the Service's selector give them (no selector: none). */
export function readinessFromPods(service: KubeObject, pods: readonly KubeObject[]): EndpointsReadiness {
  const sel = (service.spec as { selector?: unknown } | undefined)?.selector;
  const selector = isPlainObject(sel) ? (sel as Record<string, string>) : {};
  const ns = service.metadata.namespace ?? 'default';
  if (Object.keys(selector).length === 0) return { ready: 0, total: 0, source: 'Pod' };
  const picked = pods.filter(
    (p) =>
      p.kind === 'Pod' &&
      (p.metadata.namespace ?? 'default') === ns &&
      Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
  );
  return { ready: picked.filter(podReady).length, total: picked.length, source: 'Pod' };
}

/** A selector as a label selector query (`app=search,version=v2`). */
export function labelSelectorOf(selector: Readonly<Record<string, string>>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
