import type { TrafficSplit } from '../../shared/mesh/model/index.ts';

/** A TrafficSplit written the short way tests like: shares({ v1: 90, v2: 10 }), in the given order. */
export function shares(weights: Record<string, number>): TrafficSplit {
  return Object.entries(weights).map(([version, weight]) => ({ version, weight }));
}
