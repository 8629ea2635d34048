// The types of lint: findings, their codes and severities, what a check is given and reports. In a
// file of their own so that the checks (lint-*.ts) and lint.ts, which runs them, import these
// without importing each other.

import type { KubeObject, RegexEngine } from '../model/index.ts';

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
  SY170: { severity: 'warning', title: 'host routed by both a VirtualService and an HTTPRoute' },
  SY171: { severity: 'warning', title: 'VirtualService in an ambient namespace' },
  SY172: { severity: 'info', title: 'HTTPRoute applied by a waypoint' },
  SY173: { severity: 'warning', title: 'HTTPRoute in an ambient namespace without a waypoint' },
  SY174: { severity: 'warning', title: 'catch-all an older HTTPRoute on the same Service takes first' },
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
