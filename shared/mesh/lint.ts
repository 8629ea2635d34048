// Lint for routing objects. Every finding has a stable code, a severity, the object and the field,
// and a hint. Lint never throws: an object it cannot read is itself a finding (SY100).

import type { DestinationRule, GatewayHTTPRoute, KubeObject, VirtualService } from './istio-types.ts';
import { isDestinationRule, isGatewayHTTPRoute, isVirtualService } from './istio-types.ts';
import { lintDestinationRule } from './lint-destination-rule.ts';
import { lintGatewayRoute } from './lint-gateway-route.ts';
import {
  HostNames,
  lintContentRulesOnInnerServices,
  lintOwnership,
  lintSharedHosts,
} from './lint-objects.ts';
import { SubsetIndex } from './lint-route-subsets.ts';
import { lintVirtualService } from './lint-routes.ts';
import type { RegexEngine } from './regex-engine.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface LintFinding {
  code: LintCode;
  severity: Severity;
  object: { kind: string; namespace?: string; name: string };
  /** Position of the object in the list given to lintObjects (to find its file and document). */
  objectIndex: number;
  /** Field path inside the object, e.g. spec.http[1].route[0].weight; '' for the whole object. */
  path: string;
  message: string;
  hint: string;
}

export interface PodInfo {
  namespace?: string;
  labels: Record<string, string>;
}

export interface LintContext {
  engine: RegexEngine;
  /** Pods of the cluster, when known: lets lint tell a subset that selects nothing. */
  pods?: readonly PodInfo[];
  /**
   * Hosts that receive traffic from outside the mesh. Without it, a content rule on a VirtualService
   * that is not bound to a gateway is reported as info only.
   */
  entryPoints?: readonly string[];
}

export const LINT_CODES = {
  SY100: { severity: 'error', title: 'object cannot be read' },
  SY101: { severity: 'warning', title: 'weights do not sum to 100' },
  SY102: { severity: 'error', title: 'all weights are 0' },
  SY103: { severity: 'error', title: 'weight is negative or not a whole number' },
  SY104: { severity: 'warning', title: 'destination without weight among several' },
  SY110: { severity: 'error', title: 'route to a subset the DestinationRule does not define' },
  SY111: { severity: 'warning', title: 'route to a subset with no DestinationRule for its host' },
  SY112: { severity: 'warning', title: 'subset selects no pods' },
  SY113: { severity: 'error', title: 'subset defined twice' },
  SY120: { severity: 'warning', title: 'rule unreachable after a catch-all' },
  SY121: { severity: 'warning', title: 'rule shadowed by an earlier rule' },
  SY130: { severity: 'error', title: 'invalid RE2 regex' },
  SY131: { severity: 'warning', title: 'query parameter prefix match is not supported' },
  SY132: { severity: 'warning', title: 'header key Istio ignores or never matches' },
  SY140: { severity: 'warning', title: 'several VirtualServices for one host' },
  SY150: { severity: 'warning', title: 'content rule on a service that is not an entry point' },
  SY160: { severity: 'warning', title: 'object managed by another controller' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type LintCode = keyof typeof LINT_CODES;

/** What one check reports; lintObjects adds the object and its index. */
export interface RawFinding {
  code: LintCode;
  path: string;
  message: string;
  hint: string;
  /** Overrides the code's default severity (e.g. SY150 without entry-point knowledge is info). */
  severity?: Severity;
}

export interface Indexed<T extends KubeObject = KubeObject> {
  object: T;
  index: number;
}

function isKubeObject(x: unknown): x is KubeObject {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  return typeof o.kind === 'string' && typeof o.apiVersion === 'string';
}

function identity(o: KubeObject): LintFinding['object'] {
  const meta = o.metadata && typeof o.metadata === 'object' ? o.metadata : undefined;
  const id: LintFinding['object'] = { kind: o.kind, name: typeof meta?.name === 'string' ? meta.name : '' };
  if (typeof meta?.namespace === 'string') id.namespace = meta.namespace;
  return id;
}

type RoutingKind = 'VirtualService' | 'DestinationRule' | 'HTTPRoute';

function routingKindOf(object: unknown): RoutingKind | undefined {
  if (!isKubeObject(object)) return undefined;
  if (isVirtualService(object)) return 'VirtualService';
  if (isDestinationRule(object)) return 'DestinationRule';
  if (isGatewayHTTPRoute(object)) return 'HTTPRoute';
  return undefined;
}

/** Lints every routing object (VirtualService, DestinationRule, HTTPRoute); other kinds are skipped. */
export function lintObjects(objects: readonly unknown[], context: LintContext): LintFinding[] {
  const findings: LintFinding[] = [];
  const emit = (o: KubeObject, index: number, raw: RawFinding) =>
    findings.push({
      code: raw.code,
      severity: raw.severity ?? LINT_CODES[raw.code].severity,
      object: identity(o),
      objectIndex: index,
      path: raw.path,
      message: raw.message,
      hint: raw.hint,
    });
  // Checks take only the object: bound once per run here, not as a closure per object.
  const guarded = <T extends KubeObject>(o: T, index: number, check: (o: T) => RawFinding[]) => {
    try {
      for (const raw of check(o)) emit(o, index, raw);
    } catch (err) {
      emit(o, index, {
        code: 'SY100',
        path: '',
        message: `could not be read: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'check the object against its schema (kubectl apply --dry-run=server)',
      });
    }
  };

  // Each object's kind is decided once; the checks below run per kind.
  const kinds: Array<RoutingKind | undefined> = [];
  const vss: Indexed<VirtualService>[] = [];
  const destinationRules: DestinationRule[] = [];
  objects.forEach((object, index) => {
    const kind = routingKindOf(object);
    kinds[index] = kind;
    if (kind === 'VirtualService') vss.push({ object: object as VirtualService, index });
    else if (kind === 'DestinationRule') destinationRules.push(object as DestinationRule);
  });
  // Shared by every check in this run: host names resolve the same way for all objects.
  const hostNames = new HostNames();
  const subsets = new SubsetIndex(destinationRules, hostNames);
  const checkVirtualService = (vs: VirtualService) => lintVirtualService(vs, subsets, context, hostNames);
  const checkContentRules = (vs: VirtualService) => lintContentRulesOnInnerServices(vs, context, hostNames);
  const checkDestinationRule = (dr: DestinationRule) => lintDestinationRule(dr, context);

  objects.forEach((raw, index) => {
    const kind = kinds[index];
    if (kind === undefined) return;
    const object = raw as KubeObject;
    if (object.metadata !== undefined && (typeof object.metadata !== 'object' || object.metadata === null)) {
      emit({ ...object, metadata: { name: '' } }, index, {
        code: 'SY100',
        path: 'metadata',
        message: 'metadata is not a mapping',
        hint: 'metadata must hold at least a name',
      });
      return;
    }
    guarded(object, index, lintOwnership);
    if (kind === 'VirtualService') {
      guarded(object as VirtualService, index, checkVirtualService);
      guarded(object as VirtualService, index, checkContentRules);
    } else if (kind === 'DestinationRule') guarded(object as DestinationRule, index, checkDestinationRule);
    else guarded(object as GatewayHTTPRoute, index, lintGatewayRoute);
  });
  for (const { object, index, raw } of safeSharedHosts(vss, hostNames)) {
    emit(object, index, raw);
  }
  return findings.sort((a, b) => a.objectIndex - b.objectIndex);
}

function safeSharedHosts(vss: Indexed<VirtualService>[], hostNames: HostNames) {
  try {
    return lintSharedHosts(vss, hostNames);
  } catch {
    return [];
  }
}

/** True when any finding is an error (the lint command then exits 1). */
export function hasErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
