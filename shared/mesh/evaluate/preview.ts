// Preview: route a sample of requests through a compiled VirtualService and count where they go.

import type { KubeObject, VirtualService } from '../model/index.ts';
import { isVirtualService } from '../model/index.ts';
import type { CompiledRouter, MeshRequest, RouteOutcome } from './evaluator.ts';
import { canonicalHost, hostMatches } from './evaluator.ts';

export interface ShareRow {
  count: number;
  /** Fraction of all requests, 0..1. */
  share: number;
}

export interface PreviewResult {
  total: number;
  /** Requests that reached a version (a subset, or a host without subset), in first-seen order. */
  versions: Array<ShareRow & { version: string }>;
  /** Requests per rule that caught them; `ruleIndex` null collects requests no rule caught (404). */
  rules: Array<ShareRow & { ruleIndex: number | null; ruleName?: string; versions: Record<string, number> }>;
  /** Requests that did not reach a version: '404 NR', '503 no subset', 'redirect 301', 'delegate', …; */
  other: Array<ShareRow & { outcome: string }>;
  /** The outcome of every request, in input order. */
  outcomes: RouteOutcome[];
}

/** A small deterministic generator (mulberry32): the same seed gives the same preview. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function outcomeLabel(o: RouteOutcome): string | null {
  switch (o.kind) {
    case 'route':
      return null;
    case 'notFound':
      return '404 NR (no route)';
    case 'unavailable':
      return `503 ${o.reason}`;
    case 'redirect':
      return `redirect ${o.status}`;
    case 'directResponse':
      return `direct response ${o.status}${o.reason ? ` (${o.reason})` : ''}`;
    case 'delegate':
      return `delegate ${o.delegate.namespace ? `${o.delegate.namespace}/` : ''}${o.delegate.name}`;
  }
}

export function previewTraffic(
  router: CompiledRouter,
  requests: readonly MeshRequest[],
  options: { seed?: number; random?: () => number } = {},
): PreviewResult {
  const random = options.random ?? seededRandom(options.seed ?? 1);
  const versions = new Map<string, number>();
  const rules = new Map<
    number | null,
    { ruleName?: string; count: number; versions: Record<string, number> }
  >();
  const other = new Map<string, number>();
  const outcomes: RouteOutcome[] = [];
  for (const request of requests) {
    const o = router.route(request, random());
    outcomes.push(o);
    const ruleIndex = o.kind === 'notFound' ? null : o.ruleIndex;
    const ruleName = o.kind === 'notFound' ? undefined : o.ruleName;
    let row = rules.get(ruleIndex);
    if (!row) {
      row = { ...(ruleName !== undefined ? { ruleName } : {}), count: 0, versions: {} };
      rules.set(ruleIndex, row);
    }
    row.count++;
    const label = outcomeLabel(o);
    const key = o.kind === 'route' ? o.version : (label ?? o.kind);
    row.versions[key] = (row.versions[key] ?? 0) + 1;
    if (o.kind === 'route') versions.set(o.version, (versions.get(o.version) ?? 0) + 1);
    else other.set(key, (other.get(key) ?? 0) + 1);
  }
  const total = requests.length;
  const share = (n: number) => (total === 0 ? 0 : n / total);
  const ruleRows = [...rules.entries()]
    .sort(([a], [b]) => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER))
    .map(([ruleIndex, r]) => ({ ruleIndex, ...r, share: share(r.count) }));
  return {
    total,
    versions: [...versions].map(([version, count]) => ({ version, count, share: share(count) })),
    rules: ruleRows,
    other: [...other].map(([outcome, count]) => ({ outcome, count, share: share(count) })),
    outcomes,
  };
}

/** The VirtualServices whose hosts cover `host` (short names resolve against each one's namespace). */
export function virtualServicesForHost(objects: readonly KubeObject[], host: string): VirtualService[] {
  return objects.filter(isVirtualService).filter((vs) => {
    const ns = vs.metadata?.namespace;
    const wanted = canonicalHost(host, ns);
    const hosts = Array.isArray(vs.spec?.hosts) ? vs.spec.hosts : [];
    return hosts.some(
      (h) => typeof h === 'string' && (h === host || hostMatches(canonicalHost(h, ns), wanted)),
    );
  });
}
