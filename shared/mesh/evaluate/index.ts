// shared/mesh/evaluate: Routing requests the way the data plane does (Istio and Gateway API, one compiled router), the
// effective share each version gets, and a preview over sample traffic.
// This file is the folder's public face: code outside the folder imports from here.

export * from './effective-traffic.ts';
export * from './evaluator.ts';
export * from './evaluator-types.ts';
export * from './gateway-action.ts';
export * from './gateway-evaluator.ts';
export * from './gateway-match.ts';
export * from './preview.ts';
export * from './route-action.ts';
export * from './route-match.ts';
export * from './route-side-effects.ts';
export * from './rule-outcome.ts';
export * from './weighted-pick.ts';
