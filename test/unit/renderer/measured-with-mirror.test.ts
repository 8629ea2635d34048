import { describe, expect, it } from 'vitest';
import { measuredFigures } from '../../../renderer/src/features/traffic/traffic-figures.ts';
import type { ReleaseView } from '../../../shared/api/console-schemas.ts';
import { snapshotWithLatest } from './metrics-snapshot-fixture.ts';

// The mirrored version's sidecar reports each copy like any request (istio/istio#11475: no label
// tells them apart), so while a mirror is on the request rates are not where the requests go: at
// 100/0 with every request mirrored to v2, v1 and v2 both show 10 req/s. The share bar must not say
// "measured: v1 50%, v2 50%"; it falls back to the estimate from the route.
describe('measured traffic shares while a mirror is on', () => {
  const mirror = (percentage: number): ReleaseView['mirrors'] => [
    { host: 'reviews', version: 'v2', percentage },
  ];
  const snapshot = snapshotWithLatest([
    { version: 'v1', rps: 10 },
    { version: 'v2', rps: 10 },
  ]);

  it('are not given as the split of requests', () => {
    expect(measuredFigures(snapshot, mirror(100))).toBeUndefined();
  });

  it('are given without a mirror, or with one at 0%', () => {
    expect(measuredFigures(snapshot, [])?.percent).toEqual({ v1: 50, v2: 50 });
    expect(measuredFigures(snapshot, mirror(0))?.percent).toEqual({ v1: 50, v2: 50 });
  });
});
