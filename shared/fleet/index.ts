// shared/fleet: one service across several clusters (a fleet): matched by namespace and host,
// summarised per cluster, and its drift (what differs from the others) in words and as data.
// Pure: imports only shared/mesh/model of shared/.

export * from './fleet-drift.ts';
export * from './fleet-model.ts';
export * from './fleet-review-choice.ts';
export * from './fleet-waves.ts';
