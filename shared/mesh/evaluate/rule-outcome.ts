// The evaluator core Istio and Gateway API routes share: an outcome is where a rule caught the
// request (rule, name, match) plus what the rule answers, and a destination picked by weight is
// either routed to or, when the router knows it has no ready endpoints, answered with a 503.

import type { Destination } from '../model/index.ts';
import type { RouteOutcome, RouterOptions, RuleRef } from './evaluator-types.ts';

type RuleOutcome = Exclude<RouteOutcome, { kind: 'notFound' }>;
/** What a rule answers, without where it caught the request. */
export type RuleAnswer = RuleOutcome extends infer O
  ? O extends unknown
    ? Omit<O, keyof RuleRef>
    : never
  : never;

/** The outcome of the rule at `ref` answering `answer`. */
export function answerAt(ref: RuleRef, answer: RuleAnswer): RouteOutcome {
  return {
    ruleIndex: ref.ruleIndex,
    ruleName: ref.ruleName,
    matchIndex: ref.matchIndex,
    ...answer,
  } as RouteOutcome;
}

/** A destination a weighted pick chose: its version, where it points, and its place in the rule. */
export interface PickedTarget {
  version: string;
  destination: Destination;
  host: string;
  subset?: string | undefined;
  index: number;
}

/** Routes to the picked destination, or 503 no_healthy_upstream when it has no ready endpoints. */
export function routeToTarget(
  ref: RuleRef,
  t: PickedTarget,
  options: RouterOptions,
  notReady: () => string,
): RouteOutcome {
  if (options.isReady && !options.isReady(t.host, t.subset))
    return answerAt(ref, {
      kind: 'unavailable',
      status: 503,
      reason: 'no_healthy_upstream',
      message: notReady(),
      destination: t.destination,
    });
  return answerAt(ref, {
    kind: 'route',
    status: 200,
    version: t.version,
    destination: t.destination,
    destinationIndex: t.index,
  });
}
