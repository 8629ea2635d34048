// shared/mesh/read: Reading a cluster's routing objects (Istio VirtualServices and DestinationRules, Gateway API
// HTTPRoutes) into ServiceReleases, and where their versions come from.
// This file is the folder's public face: code outside the folder imports from here.

export * from './read-gateway-api.ts';
export * from './read-istio.ts';
export * from './read-istio-checks.ts';
export * from './read-istio-destinations.ts';
export * from './read-istio-pointers.ts';
export * from './read-sticky.ts';
export * from './reference-grants.ts';
export * from './service-endpoints.ts';
export * from './versions.ts';
