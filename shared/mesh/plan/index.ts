// shared/mesh/plan: From a release and what the operator asks of it to the minimal plan of guarded JSON Patch steps:
// the edits, the plan, a change in words, and the same patches applied to YAML text.
// This file is the folder's public face: code outside the folder imports from here.

export * from './all-traffic.ts';
export * from './change-summary.ts';
export * from './file-set-plan.ts';
export * from './gateway-version.ts';
export * from './mirror-edits.ts';
export * from './mirror-plan.ts';
export * from './mirror-sticky-summary.ts';
export * from './new-rule-defaults.ts';
export * from './patch-writer.ts';
export * from './release-edits.ts';
export * from './release-plan.ts';
export * from './sticky-edits.ts';
export * from './sticky-plan.ts';
export * from './withdrawn-backend-refs.ts';
export * from './yaml-edit.ts';
export * from './yaml-values.ts';
