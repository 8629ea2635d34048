// What routing one request through a VirtualService takes and answers: the request, the outcome,
// the router's options and the error thrown when a VirtualService cannot be compiled.

import type { Destination, DestinationRule, RegexEngine } from '../model/index.ts';

export interface MeshRequest {
  method?: string;
  /** Path as sent; may carry a query string. Default '/'. */
  path?: string;
  /** Header names are case-insensitive. */
  headers?: Record<string, string>;
  /** Query parameters in addition to those in `path`. */
  query?: Record<string, string>;
  /** The :authority (Host); default the `host` header, else the VirtualService's first host. */
  authority?: string;
  scheme?: string;
  port?: number;
  sourceLabels?: Record<string, string>;
  sourceNamespace?: string;
  /** 'mesh' for sidecar traffic or 'namespace/name' of the gateway the request came through. */
  gateway?: string;
}

export interface RuleRef {
  ruleIndex: number;
  /** Undefined when the rule has no name. */
  ruleName?: string | undefined;
  /** Which entry of `match` caught the request; null for a route without `match`. */
  matchIndex: number | null;
}

export type RouteOutcome =
  | (RuleRef & {
      kind: 'route';
      status: 200;
      version: string;
      destination: Destination;
      destinationIndex: number;
      /** Copies of the request the route mirrors (route-side-effects.ts); absent when none. */
      mirrors?: Array<{ destination: Destination; percentage: number }>;
      /** The Set-Cookie the picked destination adds to its response; absent when none. */
      setCookie?: string;
    })
  | (RuleRef & { kind: 'redirect'; status: number; redirect: unknown })
  /** `reason`: why a Gateway API route answers 500 itself (no backend weight, an unknown backend). */
  | (RuleRef & { kind: 'directResponse'; status: number; reason?: string })
  | (RuleRef & { kind: 'delegate'; delegate: { name: string; namespace?: string } })
  | { kind: 'notFound'; status: 404; reason: 'NR'; message: string }
  | (RuleRef & {
      kind: 'unavailable';
      status: 503;
      reason: 'no subset' | 'no_healthy_upstream' | 'no weight' | 'no action';
      message: string;
      destination?: Destination;
    });

export interface RouterOptions {
  engine: RegexEngine;
  /** When given, a subset that none of them defines for the destination host gives 503 "no subset". */
  destinationRules?: readonly DestinationRule[];
  /** When given, a destination without ready endpoints gives 503 no_healthy_upstream. */
  isReady?: (host: string, subset: string | undefined) => boolean;
}

export interface CompiledRouter {
  readonly hosts: readonly string[];
  readonly rules: ReadonlyArray<{ index: number; name?: string }>;
  /** `random` in [0, 1) picks among weighted destinations deterministically. */
  route(request: MeshRequest, random: number): RouteOutcome;
}

/** Thrown when a VirtualService cannot be compiled (an invalid regex); `path` names the field. */
export class RouteCompileError extends Error {
  override name = 'RouteCompileError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}
