import { describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import type { EngineClock } from '../../../main/core/apply/apply-types.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { addVersion, planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { shares } from '../../helpers/shares.ts';
import { createMemoryKube, reviewsObjects } from './apply-memory-kube-api.ts';

// The API server's priority and fairness answers 429 (Too Many Requests) to a request it did not
// run, asking the client to come back in a second. A 429 on the second step of a plan failed the
// apply and rolled the first step back, whose write then met the same busy server: the change was
// left half applied. A 429 is now asked again after a pause, as client-go does.

const ref = (kind: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind,
  namespace: 'bookinfo',
  name: 'reviews',
});

function setup() {
  const { vs, dr } = reviewsObjects();
  const kube = createMemoryKube([vs, dr]);
  const sleeps: number[] = [];
  const clock: EngineClock = { now: () => 0, sleep: async (ms) => void sleeps.push(ms) };
  const engine = createApplyEngine({ api: kube.api, verify: kube.verify, clock, pauseMs: 0 });
  const objects = () => [kube.read(ref('VirtualService')), kube.read(ref('DestinationRule'))] as KubeObject[];
  const release = () => readIstioReleases(objects())[0]!;
  return { kube, engine, sleeps, objects, release };
}

const who = { context: 'demo', user: 'demo-admin' };

describe('a 429 from the API server during an apply', () => {
  it('is asked again after a pause, and the plan applies whole', async () => {
    const t = setup();
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    t.kube.failNext('patch', 429, { kind: 'VirtualService' });
    t.kube.failNext('patch', 429, { kind: 'VirtualService' });
    const result = await t.engine.apply({ plan: planRelease(t.release(), desired, t.objects()), ...who });
    expect(result.ok).toBe(true);
    expect(t.kube.calls.filter((c) => c === 'patch VirtualService/reviews')).toHaveLength(3);
    expect(t.sleeps).toEqual([1000, 2000]);
  });

  it('gives up after three more tries with the server’s answer, rolling back what was written', async () => {
    const t = setup();
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    for (let i = 0; i < 4; i++) t.kube.failNext('patch', 429, { kind: 'VirtualService' });
    const result = await t.engine.apply({ plan: planRelease(t.release(), desired, t.objects()), ...who });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('unavailable');
    expect(result.steps.map((s) => s.state)).toEqual(['rolled-back', 'untouched']);
  });
});
