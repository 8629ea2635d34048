// shared/mesh/policy: Content policies: who gets a version (conditions, OS and browser presets), as Istio matches and
// back in words, with the problems of a rule as the operator types it.
// This file is the folder's public face: code outside the folder imports from here.

export * from './content-policy.ts';
export * from './content-policy-describe.ts';
export * from './rule-fields.ts';
export * from './ua-preset-notes.ts';
export * from './ua-presets.ts';
