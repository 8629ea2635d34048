// Lint for routing objects. Every finding has a stable code, a severity, the object and the field,
// and a hint. Lint never throws: an object it cannot read is itself a finding (SY100).

import type { DestinationRule, GatewayHTTPRoute, KubeObject, VirtualService } from '../model/index.ts';
import { isDestinationRule, isGatewayHTTPRoute, isVirtualService } from '../model/index.ts';
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
import {
  type Indexed,
  LINT_CODES,
  type LintContext,
  type LintFinding,
  type RawFinding,
} from './lint-types.ts';

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
