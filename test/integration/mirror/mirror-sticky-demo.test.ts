// Traffic mirroring and sticky canaries through the console calls, against the demo mesh: the
// demo routes copies of mirrored requests to the mirror target (reported by its sidecar only, as
// Istio does) while clients see only the split's answers, and keeps the version cookie a response
// set, so a returning visitor stays on their version until that version gets no traffic.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';
import { requestPopulation } from '../../../main/demo/sim/request-population.ts';
import type { DesiredReleaseInput, ReleaseView } from '../../../shared/api/console-schemas.ts';
import { fetchExposition } from '../apply/mesh-telemetry.ts';

const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';
let mesh: DemoMesh;
let h: ReturnType<typeof createConsoleHandlers>;

const view = () => h['release.get']({ contextId: 'demo', releaseId: PAYMENT });
const keepRules = (v: ReleaseView): DesiredReleaseInput['rules'] =>
  v.rules.map((r) => ({
    id: r.id,
    ...(r.name ? { name: r.name } : {}),
    version: r.version,
    enabled: r.enabled,
  }));

async function change(desired: Partial<DesiredReleaseInput>): Promise<ReleaseView> {
  const v = await view();
  const split = v.versions.map((x) => ({ version: x.name, weight: x.weight }));
  const plan = await h['release.plan']({
    contextId: 'demo',
    releaseId: PAYMENT,
    desired: { split, rules: keepRules(v), ...desired },
  });
  expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
  const r = await h['release.apply']({ planId: plan.planId });
  expect(r.ok, JSON.stringify(r.error)).toBe(true);
  return view();
}

/** `istio_requests_total` to payment by `reporter` and `destination_version`. */
async function paymentCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await fetchExposition(mesh)).split('\n')) {
    if (!line.startsWith('istio_requests_total{') || !line.includes('destination_service_name="payment"'))
      continue;
    const reporter = /reporter="(\w+)"/.exec(line)?.[1];
    const version = /destination_version="([^"]*)"/.exec(line)?.[1];
    const key = `${reporter}/${version}`;
    out[key] = (out[key] ?? 0) + Number(line.slice(line.lastIndexOf('}') + 1));
  }
  return out;
}

/** Visits of one visitor to the shop until `n` of them reached payment: the versions that answered. */
function paymentVisits(user: number, n: number) {
  const answered: string[] = [];
  const mirrored: string[] = [];
  for (let i = 0; i < n * 20 && answered.length < n; i++) {
    for (const hop of mesh.simulation!.visit('frontend', user)) {
      if (hop.service !== 'payment') continue;
      (hop.mirrored ? mirrored : answered).push(hop.version);
    }
  }
  return { answered, mirrored };
}

const population = requestPopulation(1);
const publicUsers = population.flatMap((u, i) => (u.group === 'public' ? [i] : []));

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 1 });
  // Only the test's own visits: the counters then rise by exactly what they sent.
  mesh.simulation!.setRequestsPerSecond(0);
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-mirror-'));
  h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    demoRequests: demoSampleRequests,
    pauseMs: 10,
  });
  await h['sessions.open']({ contextId: 'demo' });
});

afterAll(async () => {
  await h?.dispose();
  await mesh?.stop();
});

describe('mirroring and sticky canaries in the demo mesh', () => {
  it('a 20% mirror to v2 while the split is 100/0: v2 counts mirrored requests, clients see only v1', async () => {
    const on = await change({
      split: [
        { version: 'v1', weight: 100 },
        { version: 'v2', weight: 0 },
      ],
      mirror: { version: 'v2', percentage: 20 },
    });
    expect(on.mirror).toEqual({ version: 'v2', percentage: 20 });
    const before = await paymentCounts();
    const answered: string[] = [];
    const mirrored: string[] = [];
    for (const user of publicUsers.slice(0, 60)) {
      const v = paymentVisits(user, 10);
      answered.push(...v.answered);
      mirrored.push(...v.mirrored);
    }
    expect(new Set(answered)).toEqual(new Set(['v1']));
    expect(new Set(mirrored)).toEqual(new Set(['v2']));
    const share = mirrored.length / answered.length;
    expect(share).toBeGreaterThan(0.14);
    expect(share).toBeLessThan(0.26);
    const after = await paymentCounts();
    const rise = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    expect(rise('destination/v2')).toBe(mirrored.length);
    // Istio reports mirrored requests at the destination only: the callers' sidecars count none.
    expect(rise('source/v2')).toBe(0);
    expect(rise('source/v1')).toBe(answered.length);

    const off = await change({ mirror: null });
    expect(off.mirror).toBeUndefined();
    expect(off.mirrors).toEqual([]);
  });

  it('sticky on: a visitor who got v2 keeps v2; all traffic to v1 removes the v2 sticky rule and v2 gets nothing', async () => {
    const on = await change({
      split: [
        { version: 'v1', weight: 50 },
        { version: 'v2', weight: 50 },
      ],
      sticky: { enabled: true, maxAgeSeconds: 3600 },
    });
    expect(on.sticky).toEqual({ cookie: 'sy-version', maxAgeSeconds: 3600, versions: ['v1', 'v2'] });
    expect(on.rules.map((r) => r.name)).toEqual(['internal-users', 'sy-sticky-v1', 'sy-sticky-v2']);

    let pinned: number | undefined;
    for (const user of publicUsers.slice(60)) {
      const first = paymentVisits(user, 1).answered[0];
      if (first === undefined) continue;
      const next = paymentVisits(user, 12).answered;
      expect(new Set(next), `visitor ${user} first got ${first}`).toEqual(new Set([first]));
      if (first === 'v2') {
        pinned = user;
        break;
      }
    }
    expect(pinned).toBeDefined();

    const all = await h['release.allTraffic']({
      contextId: 'demo',
      releaseId: PAYMENT,
      version: 'v1',
      rules: 'keep',
      purpose: 'rollback',
    });
    expect(all.drained).toEqual([]);
    const r = await h['release.apply']({ planId: all.plan.planId });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    const after = await view();
    expect(after.rules.map((x) => x.name)).toEqual(['internal-users', 'sy-sticky-v1']);
    expect(after.versions.find((v) => v.name === 'v2')?.weight).toBe(0);
    const later = paymentVisits(pinned!, 12).answered;
    expect(later.length).toBeGreaterThan(0);
    expect(new Set(later)).toEqual(new Set(['v1']));
  });
});
