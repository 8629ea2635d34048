// Who calls a service, from the demo mesh's own request metrics, and the same content rule planned
// on the service downstream: against the demo over real HTTP, checked in the API server's objects.

import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { CallersView } from '../../../shared/api/call-graph-schemas.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { waitFor } from '../metrics/metrics-harness.ts';

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
const PRODUCTPAGE = 'istio:bookinfo/bookinfo.example.com';
const RATINGS = 'istio:bookinfo/ratings.bookinfo.svc.cluster.local';

let mesh: DemoMesh;
let h: ReturnType<typeof createConsoleHandlers>;

function kube(method: string, path: string, body?: unknown, type = 'application/json'): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, mesh.url),
      {
        method,
        headers: { Authorization: `Bearer ${mesh.tokens.admin}`, 'Content-Type': type },
        ...(mesh.caCert ? { ca: mesh.caCert } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          (res.statusCode ?? 500) < 300 ? resolve(JSON.parse(text) as KubeObject) : reject(new Error(text)),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function known(releaseId: string): Promise<Extract<CallersView, { known: true }>> {
  return waitFor(`callers of ${releaseId}`, 30_000, async () => {
    const v = await h['release.callers']({ contextId: 'demo', releaseId, windowSeconds: 60 });
    return v.known && v.kind !== 'idle' && v.downstream.length > 0 ? v : undefined;
  });
}

beforeAll(async () => {
  mesh = await startDemoMesh({ seed: 3, podReadyDelayMs: 0, requestsPerSecond: 200 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-callers-'));
  h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
  await h['sessions.open']({ contextId: 'demo' });
  await h['services.list']({ contextId: 'demo' });
});

afterAll(async () => {
  await h?.dispose();
  await mesh?.stop();
});

describe('callers and full-link rules, against the demo mesh', () => {
  it('says reviews is not an entry point, names productpage as its caller and the headers its rules need', async () => {
    const v = await known(REVIEWS);
    expect(v.kind).toBe('internal');
    expect(v.callers.map((c) => c.workload)).toEqual(['productpage-v1']);
    expect(v.headers).toEqual(['end-user', 'x-canary']);
    expect(v.summary).toMatch(/^reviews is not an entry point: every request comes from productpage-v1\./);
    // reviews v2 and v3 call ratings, which has only v1: nothing to keep on v2 or v3 there.
    expect(v.downstream.map((d) => [d.host, d.sameVersions])).toEqual([
      ['ratings.bookinfo.svc.cluster.local', []],
    ]);
  });

  it('says productpage is an entry point: its requests come through the ingress gateway', async () => {
    const v = await known(PRODUCTPAGE);
    expect(v.kind).toBe('entry');
    expect(v.callers.some((c) => c.edge && c.workload === 'istio-ingressgateway')).toBe(true);
    expect(v.downstream.map((d) => d.host).sort()).toEqual([
      'details.bookinfo.svc.cluster.local',
      'reviews.bookinfo.svc.cluster.local',
    ]);
  });

  it('plans the same rule on ratings once it has the version, and the applied route keeps its other fields', async () => {
    await kube(
      'PATCH',
      '/apis/networking.istio.io/v1/namespaces/bookinfo/destinationrules/ratings',
      [{ op: 'add', path: '/spec/subsets/-', value: { name: 'v2', labels: { version: 'v2' } } }],
      'application/json-patch+json',
    );
    const offered = await waitFor('ratings v2 offered', 20_000, async () => {
      const v = await known(REVIEWS);
      const ratings = v.downstream.find((d) => d.releaseId === RATINGS);
      return ratings?.sameVersions.includes('v2') ? ratings : undefined;
    });
    expect(offered.sameVersions).toEqual(['v2']);

    const release = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const jason = release.rules.find((r) => r.name === 'jason-on-v2');
    expect(jason).toBeDefined();
    const plan = await h['release.planDownstream']({
      contextId: 'demo',
      releaseId: REVIEWS,
      ruleId: jason!.id,
      targets: [RATINGS],
    });
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    const applied = await h['release.apply']({ planId: plan.planId });
    expect(applied.ok, JSON.stringify(applied.error)).toBe(true);

    const vs = await kube('GET', '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/ratings');
    const http = (vs.spec as { http: Array<Record<string, unknown>> }).http;
    expect(http).toHaveLength(2);
    expect(http[0]).toMatchObject({
      name: 'jason-on-v2',
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      route: [{ destination: { host: 'ratings', subset: 'v2' } }],
    });
    // The catch-all is untouched, its timeout included.
    expect(http[1]).toEqual({ route: [{ destination: { host: 'ratings', subset: 'v1' } }], timeout: '3s' });

    // Asked again, there is nothing left to add.
    const again = await h['release.planDownstream']({
      contextId: 'demo',
      releaseId: REVIEWS,
      ruleId: jason!.id,
      targets: [RATINGS],
    });
    expect(again.steps).toEqual([]);
  });

  it('refuses a service without the version, and a rule with no header to carry', async () => {
    const release = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const canary = release.rules.find((r) => r.name === 'canary-header');
    await expect(
      h['release.planDownstream']({
        contextId: 'demo',
        releaseId: REVIEWS,
        ruleId: canary!.id,
        targets: [RATINGS],
      }),
    ).rejects.toThrow(/has no version 'v3'/);
    await expect(
      h['release.planDownstream']({
        contextId: 'demo',
        releaseId: REVIEWS,
        ruleId: 'http:99',
        targets: [RATINGS],
      }),
    ).rejects.toThrow(/no content rule 'http:99'/);
  });
});
