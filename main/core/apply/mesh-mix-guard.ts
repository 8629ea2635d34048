// Before anything is written: a plan that would route a service by both a VirtualService and an
// HTTPRoute (creating one, or giving one a host it did not route) is refused, nothing applied.
// Only a step that adds a mesh host reads the other kind's routes; weight changes cost no call.

import { meshHostsClaimedBy, meshMixRefusal } from '../../../shared/mesh/lint/index.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { isVirtualService } from '../../../shared/mesh/model/index.ts';
import type { KubeApi } from '../kube-api.ts';
import { KubeRequestError } from '../kube-api.ts';
import type { DryRunResult } from './apply-types.ts';

const OTHER = {
  VirtualService: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  HTTPRoute: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
} as const;

/**
 * The routes of one kind the check can see: the whole cluster's, else (no right to list them
 * cluster-wide) those of the namespaces of the hosts being added. None where the cluster does not
 * serve the kind or the session may not list them at all: the check cannot see a mix there.
 */
async function routesOf(
  api: KubeApi,
  apiVersion: string,
  kind: string,
  namespaces: readonly string[],
): Promise<KubeObject[]> {
  const quiet = async (namespace?: string) => {
    try {
      return await api.list(apiVersion, kind, namespace);
    } catch (err) {
      if (err instanceof KubeRequestError && (err.status === 404 || err.status === 403)) return null;
      throw err;
    }
  };
  const all = await quiet();
  if (all) return all;
  const out: KubeObject[] = [];
  for (const ns of namespaces) out.push(...((await quiet(ns)) ?? []));
  return out;
}

/** The refusal of the first step that would mix the two kinds on one service; null when none would. */
export async function meshMixGuard(
  api: KubeApi,
  steps: ReadonlyArray<{ before: KubeObject | null; after: KubeObject | null }>,
): Promise<Extract<DryRunResult, { ok: false }> | null> {
  const listed = new Map<string, KubeObject[]>();
  for (const { before, after } of steps) {
    if (!after) continue;
    const had = new Set(meshHostsClaimedBy(before));
    const added = meshHostsClaimedBy(after).filter((h) => !had.has(h));
    if (added.length === 0) continue;
    const other = isVirtualService(after) ? OTHER.VirtualService : OTHER.HTTPRoute;
    const namespaces = [...new Set(added.map((h) => h.split('.')[1] ?? 'default'))];
    const key = `${other.kind} ${namespaces.join(',')}`;
    let existing = listed.get(key);
    if (!existing) {
      existing = await routesOf(api, other.apiVersion, other.kind, namespaces);
      listed.set(key, existing);
    }
    const refusal = meshMixRefusal(before, after, existing);
    if (refusal) return { ok: false, error: { code: 'invalid-request', message: refusal } };
  }
  return null;
}
