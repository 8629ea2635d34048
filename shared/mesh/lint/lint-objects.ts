// Lint checks about an object's place in the cluster: who else manages it, which other
// VirtualServices claim its host, and whether a content rule can ever see the headers it needs.

import { canonicalHost } from '../evaluate/index.ts';
import type { KubeObject, VirtualService } from '../model/index.ts';
import { hostMemo } from '../model/index.ts';
import type { Indexed, LintContext, RawFinding } from './lint-types.ts';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

/**
 * Canonical host names for one lint run. Every VirtualService resolves its hosts and destinations
 * several times, mostly the same few names per namespace: resolve each (host, namespace) once.
 */
export class HostNames {
  private readonly canonicalIn = hostMemo(canonicalHost);

  canonical(host: string, namespace: string | undefined): string {
    // canonicalHost only uses the namespace as `namespace || 'default'`.
    return this.canonicalIn(host, namespace || 'default');
  }

  private entryPoints: readonly string[] | undefined;
  private readonly entryPointSets = new Map<string, Set<string>>();

  /** The entry points as canonical hosts seen from one namespace: the same for all its VirtualServices. */
  entryPointsIn(entryPoints: readonly string[], namespace: string | undefined): Set<string> {
    if (entryPoints !== this.entryPoints) {
      this.entryPoints = entryPoints;
      this.entryPointSets.clear();
    }
    const ns = namespace || 'default';
    let set = this.entryPointSets.get(ns);
    if (!set) {
      set = new Set(entryPoints.map((h) => this.canonical(h, ns)));
      this.entryPointSets.set(ns, set);
    }
    return set;
  }
}

const FIELD_MANAGERS: Record<string, string> = {
  'argocd-controller': 'Argo CD',
  'argocd-application-controller': 'Argo CD',
  'kustomize-controller': 'Flux (kustomize-controller)',
  'helm-controller': 'Flux (helm-controller)',
};

const OWNER_KINDS: Record<string, string> = {
  Canary: 'Flagger',
  Rollout: 'Argo Rollouts',
};

function owned(path: string, controller: string, why: string): RawFinding {
  return {
    code: 'SY160',
    path,
    message: `is managed by ${controller} (${why}): changes made here will be reverted`,
    hint: `make the change through ${controller} instead, or stop it from managing this object first`,
  };
}

export function lintOwnership(o: KubeObject): RawFinding[] {
  const meta = o.metadata;
  if (!isRecord(meta)) return [];
  // Most objects carry none of the fields that name a controller.
  if (
    meta.annotations === undefined &&
    meta.labels === undefined &&
    meta.ownerReferences === undefined &&
    meta.managedFields === undefined
  )
    return [];
  const out: RawFinding[] = [];
  const seen = new Set<string>();
  const add = (f: RawFinding, controller: string) => {
    if (seen.has(controller)) return;
    seen.add(controller);
    out.push(f);
  };
  const annotations = isRecord(meta.annotations) ? meta.annotations : {};
  const labels = isRecord(meta.labels) ? meta.labels : {};
  for (const key of Object.keys(annotations)) {
    if (key.startsWith('rollouts.argoproj.io/'))
      add(owned(`metadata.annotations.${key}`, 'Argo Rollouts', `annotation ${key}`), 'Argo Rollouts');
    else if (key === 'argocd.argoproj.io/tracking-id')
      add(owned(`metadata.annotations.${key}`, 'Argo CD', `annotation ${key}`), 'Argo CD');
  }
  if (Array.isArray(meta.ownerReferences))
    meta.ownerReferences.forEach((ref, i) => {
      if (!isRecord(ref) || typeof ref.kind !== 'string') return;
      const group = typeof ref.apiVersion === 'string' ? ref.apiVersion.split('/')[0] : '';
      const controller =
        OWNER_KINDS[ref.kind] && (group === 'flagger.app' || group === 'argoproj.io' || group === '')
          ? OWNER_KINDS[ref.kind]!
          : ref.controller === true
            ? `its owner ${ref.kind} ${String(ref.name ?? '')}`
            : null;
      if (controller)
        add(
          owned(`metadata.ownerReferences[${i}]`, controller, `owner ${ref.kind} ${String(ref.name ?? '')}`),
          controller,
        );
    });
  if ('kiali_wizard' in labels)
    add(
      owned(
        'metadata.labels.kiali_wizard',
        'the Kiali wizard',
        `label kiali_wizard=${String(labels.kiali_wizard)}`,
      ),
      'Kiali',
    );
  for (const key of Object.keys(labels)) {
    if (key.startsWith('kustomize.toolkit.fluxcd.io/') || key.startsWith('helm.toolkit.fluxcd.io/'))
      add(owned(`metadata.labels.${key}`, 'Flux', `label ${key}`), 'Flux');
  }
  if (Array.isArray(meta.managedFields))
    meta.managedFields.forEach((mf, i) => {
      const manager = isRecord(mf) && typeof mf.manager === 'string' ? mf.manager : '';
      const controller = FIELD_MANAGERS[manager];
      if (controller)
        add(
          owned(`metadata.managedFields[${i}].manager`, controller, `field manager ${manager}`),
          controller.split(' ')[0]!,
        );
    });
  return out;
}

/** Shared, never modified: most VirtualServices name no gateway. */
const MESH_ONLY: readonly string[] = ['mesh'];

function gatewaysOf(vs: VirtualService): readonly string[] {
  const g = vs.spec?.gateways;
  const ns = vs.metadata?.namespace || 'default';
  if (!Array.isArray(g) || g.length === 0) return MESH_ONLY;
  return g.map((x) => (String(x) === 'mesh' || String(x).includes('/') ? String(x) : `${ns}/${String(x)}`));
}

/**
 * Several VirtualServices for one host on the same gateway (or in the mesh): Istio merges them only
 * for gateways and without a defined order, and for sidecars one of them silently wins.
 */
export function lintSharedHosts(
  vss: Indexed<VirtualService>[],
  hostNames = new HostNames(),
): Array<Indexed & { raw: RawFinding }> {
  const claims = new Map<string, Indexed<VirtualService>[]>();
  // An index loop: this runs once per lint over every VirtualService, often before the JIT optimizes it.
  for (let v = 0; v < vss.length; v++) {
    const item = vss[v]!;
    const spec = item.object.spec;
    if (!isRecord(spec) || !Array.isArray(spec.hosts)) continue;
    const ns = item.object.metadata?.namespace;
    const gateways = gatewaysOf(item.object);
    for (const h of spec.hosts) {
      if (typeof h !== 'string') continue;
      for (const gw of gateways) {
        const key = `${hostNames.canonical(h, ns)} @ ${gw}`;
        const list = claims.get(key);
        if (!list) claims.set(key, [item]);
        else if (!list.includes(item)) list.push(item);
      }
    }
  }
  const out: Array<Indexed & { raw: RawFinding }> = [];
  const reported = new Set<string>();
  for (const [key, list] of claims) {
    if (list.length < 2) continue;
    const [host, gw] = key.split(' @ ');
    for (const item of list.slice(1)) {
      const id = `${item.index} ${host}`;
      if (reported.has(id)) continue;
      reported.add(id);
      const others = list
        .filter((x) => x !== item)
        .map((x) => `${x.object.metadata?.namespace ?? 'default'}/${x.object.metadata?.name ?? ''}`);
      out.push({
        object: item.object,
        index: item.index,
        raw: {
          code: 'SY140',
          path: 'spec.hosts',
          message: `host ${host} (${gw === 'mesh' ? 'in the mesh' : `on gateway ${gw}`}) is also routed by VirtualService ${others.join(', ')}`,
          hint:
            gw === 'mesh'
              ? 'keep one VirtualService per host: for sidecars Istio does not merge them and one wins arbitrarily'
              : 'merged rules are evaluated in an unspecified order: move them into one VirtualService or use delegates',
        },
      });
    }
  }
  return out;
}

/**
 * Header, cookie and user-agent rules only work where those headers arrive: at the entry point, or
 * deeper in the mesh only if every service on the way propagates them.
 */
export function lintContentRulesOnInnerServices(
  vs: VirtualService,
  context: LintContext,
  hostNames = new HostNames(),
): RawFinding[] {
  const spec = vs.spec;
  if (!isRecord(spec) || !Array.isArray(spec.http)) return [];
  const gateways = gatewaysOf(vs);
  if (gateways.some((g) => g !== 'mesh')) return [];
  let where: string | null = null;
  spec.http.forEach((route, i) => {
    if (where || !isRecord(route) || !Array.isArray(route.match)) return;
    route.match.forEach((m, j) => {
      if (!where && isRecord(m) && (isRecord(m.headers) || isRecord(m.withoutHeaders)))
        where = `spec.http[${i}].match[${j}].${isRecord(m.headers) ? 'headers' : 'withoutHeaders'}`;
    });
  });
  if (!where) return [];
  if (context.entryPoints) {
    const ns = vs.metadata?.namespace;
    const hosts = Array.isArray(spec.hosts)
      ? spec.hosts.filter((h): h is string => typeof h === 'string')
      : [];
    const entries = hostNames.entryPointsIn(context.entryPoints, ns);
    if (hosts.some((h) => entries.has(hostNames.canonical(h, ns)))) return [];
    return [
      {
        code: 'SY150',
        path: where,
        message: `matches on request headers, but ${hosts.join(', ') || 'its host'} is not an entry point: it only sees headers its callers forward`,
        hint: 'move the rule to the entry-point service, or make sure every caller propagates the header',
      },
    ];
  }
  return [
    {
      code: 'SY150',
      severity: 'info',
      path: where,
      message:
        'matches on request headers and is not bound to a gateway: callers inside the mesh must forward those headers',
      hint: 'check that every service calling this one propagates the header (lint with entry points to be sure)',
    },
  ];
}
