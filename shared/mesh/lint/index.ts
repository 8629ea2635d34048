// shared/mesh/lint: Lint of routing objects: findings with stable codes, severities, the object, the field and a hint.
// This file is the folder's public face: code outside the folder imports from here.

export * from './lint.ts';
export * from './lint-destination-rule.ts';
export * from './lint-findings.ts';
export * from './lint-gateway-route.ts';
export * from './lint-match-fields.ts';
export * from './lint-mesh-modes.ts';
export * from './lint-objects.ts';
export * from './lint-route-subsets.ts';
export * from './lint-routes.ts';
export * from './lint-shadowing.ts';
export * from './lint-types.ts';
