import { describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { addVersion, planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { shares } from '../../helpers/shares.ts';
import { createMemoryKube, reviewsObjects } from './apply-memory-kube-api.ts';

// The engine's `onConfirmed` (where the console announces the release at once) runs for every
// write the watch confirmed, a rollback's included, and only after that write's own progress
// event: the review dialog's "confirmed" leaves main before the service view's update does.

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const drRef = { ...vsRef, kind: 'DestinationRule' };
const who = { context: 'demo', user: 'demo-admin' };

function setup() {
  const { vs, dr } = reviewsObjects();
  const kube = createMemoryKube([vs, dr]);
  const log: string[] = [];
  const engine = createApplyEngine({
    api: kube.api,
    verify: kube.verify,
    clock: { now: () => 0, sleep: async () => {} },
    pauseMs: 0,
    verifyTimeoutMs: 1000,
    onConfirmed: () => log.push('confirmed'),
    history: {
      record: async (e) => {
        log.push('history');
        return { ...e, id: 'h1', time: 't' };
      },
    },
  });
  const objects = () => [kube.read(vsRef), kube.read(drRef)] as KubeObject[];
  const release = () => readIstioReleases(objects())[0]!;
  return { kube, engine, log, objects, release };
}

describe('onConfirmed', () => {
  it('follows each step-verified event and comes before the history line', async () => {
    const t = setup();
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    const result = await t.engine.apply({
      plan: planRelease(t.release(), desired, t.objects()),
      ...who,
      onProgress: (e) => {
        if (e.type === 'step-verified' || e.type === 'rolled-back') t.log.push(e.type);
      },
    });
    expect(result.ok).toBe(true);
    expect(t.log).toEqual(['step-verified', 'confirmed', 'step-verified', 'confirmed', 'history']);
  });

  it('also follows a rollback the watch confirmed', async () => {
    const t = setup();
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    t.kube.failNext('patch', 500, { kind: 'VirtualService' });
    const result = await t.engine.apply({
      plan: planRelease(t.release(), desired, t.objects()),
      ...who,
      onProgress: (e) => {
        if (e.type === 'step-verified' || e.type === 'rolled-back') t.log.push(e.type);
      },
    });
    expect(result.ok).toBe(false);
    // The subsets' step, confirmed; then its rollback, confirmed too. No history line.
    expect(t.log).toEqual(['step-verified', 'confirmed', 'rolled-back', 'confirmed']);
  });
});
