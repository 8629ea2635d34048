// shared/mesh/model: The release model and what every stage shares: Kubernetes/Istio/Gateway API object types, the
// ServiceRelease, JSON Patch, host names, the fields the API server owns, weight math, the regex engine.
// This file is the folder's public face: code outside the folder imports from here.

export * from './host-memo.ts';
export * from './istio-types.ts';
export * from './json-patch.ts';
export * from './literal-regex.ts';
export * from './regex-engine.ts';
export * from './relative-weights.ts';
export * from './release-model.ts';
export * from './route-hosts.ts';
export * from './server-fields.ts';
export * from './sticky.ts';
export * from './weights.ts';
