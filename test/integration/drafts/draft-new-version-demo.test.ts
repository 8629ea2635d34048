// A draft's new version against the demo mesh: payment in shop gains v3 (a copy of v1's Deployment
// with a new image) at 0%, planned and applied through release.apply; routing to it is refused.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import { createDraftsService } from '../../../main/core/drafts/drafts-service.ts';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DraftCalls } from '../../../main/core/handlers/drafts.ts';
import { draftHandlers } from '../../../main/core/handlers/drafts.ts';
import type { KubeApi } from '../../../main/core/kube-api.ts';
import { createKubeApi } from '../../../main/core/kube-api.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { DraftView } from '../../../shared/api/draft-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { checkedDraftCalls, splitOf } from '../../helpers/drafts-contract.ts';
import { shares } from '../../helpers/shares.ts';

const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';
const IMAGE = 'ghcr.io/switchyard-demo/shop-payment:5.2.0';
const ref = (apiVersion: string, kind: string, name: string) => ({
  apiVersion,
  kind,
  namespace: 'shop',
  name,
});
const vsRef = ref('networking.istio.io/v1', 'VirtualService', 'payment');
const drRef = ref('networking.istio.io/v1', 'DestinationRule', 'payment');

let mesh: DemoMesh;
let api: KubeApi;
let dataDir: string;
let handlers: ReturnType<typeof createConsoleHandlers>;
let drafts: DraftCalls;
/** Sees every event main emits (apply progress): a test injects a fault at a chosen moment. */
let onEmit: (name: string, payload: unknown) => void = () => {};

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 0 });
  const kc = new KubeConfig();
  kc.loadFromString(mesh.kubeconfigYaml);
  kc.setCurrentContext('demo-admin');
  api = createKubeApi(createKubeHttpClient(kc));
  dataDir = await mkdtemp(join(tmpdir(), 'sy-draft-new-version-'));
  handlers = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: (name: string, payload: unknown) => onEmit(name, payload),
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
  await handlers['sessions.open']({ contextId: 'demo' });
  drafts = checkedDraftCalls(
    draftHandlers(
      createDraftsService({
        dataDir,
        emit: () => {},
        draftBase: (contextId, releaseId) => handlers.draftBase(contextId, releaseId),
        liveObjects: (contextId, keys) => handlers.liveObjects(contextId, keys),
        reviewPlan: (p) => handlers.reviewPlan(p),
      }),
    ),
  );
});

afterAll(async () => {
  await handlers?.dispose();
  await mesh?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<ApiFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiFailure)) throw new Error(`expected an ApiFailure, got ${String(err)}`);
  return err;
}

/** A draft of payment with v3 at the given share of the split (v1 takes the rest of 90%). */
async function paymentWithV3(name: string, v3: number): Promise<DraftView> {
  const created = await drafts['drafts.create']({ contextId: 'demo', releaseId: PAYMENT, name });
  const added = await drafts['drafts.update']({
    id: created.id,
    newVersion: { version: 'v3', image: IMAGE },
  });
  if (v3 === 0) return added;
  const rules = (added.release?.rules ?? []).map((r) => ({
    id: r.id,
    version: r.version,
    enabled: r.enabled,
  }));
  const split = shares({ v1: 90 - v3, v2: 10, v3 });
  return drafts['drafts.update']({ id: created.id, desired: { split, rules } });
}

describe('a new version drafted against the demo mesh', () => {
  it('refuses to plan a draft that routes 10% to the version it creates', async () => {
    const draft = await paymentWithV3('payment v3 at 10%', 10);
    expect(draft.release?.versions.map((v) => [v.name, v.weight])).toEqual([
      ['v1', 80],
      ['v2', 10],
      ['v3', 10],
    ]);
    const refused = await rejection(drafts['drafts.plan']({ id: draft.id }));
    expect(refused.code).toBe('invalid-request');
    expect(refused.message).toBe(
      'v3 is created by this draft and has no ready pods yet: apply with v3 at 0%, then move traffic once its rollout is ready',
    );
  });

  it('leaves no payment-v3 Deployment behind when the apply fails after creating it', async () => {
    const draft = await paymentWithV3('payment v3, failing', 0);
    const plan = await drafts['drafts.plan']({ id: draft.id });
    expect(plan.steps[0]?.target).toMatchObject({ kind: 'Deployment', name: 'payment-v3' });
    let injected = false;
    onEmit = (name, payload) => {
      // Once the Deployment is confirmed, the DestinationRule's write answers 500.
      if (injected || name !== 'apply.progress' || (payload as { state?: string }).state !== 'done') return;
      injected = true;
      mesh.faults.failNext({ verb: 'patch', resource: 'destinationrules', code: 500 });
    };
    try {
      const result = await handlers['release.apply']({ planId: plan.planId });
      expect(injected).toBe(true);
      expect(result.ok).toBe(false);
      expect(result.error?.message).toMatch(/rolled back/);
    } finally {
      onEmit = () => {};
    }
    const gone = await api.get(ref('apps/v1', 'Deployment', 'payment-v3')).then(
      () => false,
      (err: { status?: number }) => err.status === 404,
    );
    expect(gone).toBe(true);
    expect(
      ((await api.get(drRef)).spec as { subsets: Array<{ name: string }> }).subsets.map((s) => s.name),
    ).not.toContain('v3');
  });

  it('applies v3 at 0%: the Deployment is created with its label and image, the subset added, the split kept', async () => {
    const draft = await paymentWithV3('payment v3', 0);
    expect(draft.newVersion).toEqual({
      version: 'v3',
      image: IMAGE,
      fromVersion: 'v1',
      deployment: 'payment-v3',
    });
    expect(draft.release?.versions.map((v) => [v.name, v.weight])).toEqual([
      ['v1', 90],
      ['v2', 10],
      ['v3', 0],
    ]);

    const plan = await drafts['drafts.plan']({ id: draft.id });
    expect(plan.steps.map((s) => [s.target.kind, s.target.name])).toEqual([
      ['Deployment', 'payment-v3'],
      ['DestinationRule', 'payment'],
    ]);
    expect(plan.steps.every((s) => s.dryRun.ok)).toBe(true);
    const result = await handlers['release.apply']({ planId: plan.planId });
    expect(result.ok).toBe(true);

    const deployment = await api.get(ref('apps/v1', 'Deployment', 'payment-v3'));
    const spec = deployment.spec as {
      selector: { matchLabels: Record<string, string> };
      template: {
        metadata: { labels: Record<string, string> };
        spec: { containers: Array<{ image: string }> };
      };
    };
    expect(spec.template.metadata.labels.version).toBe('v3');
    expect(spec.selector.matchLabels.version).toBe('v3');
    expect(spec.template.spec.containers[0]?.image).toBe(IMAGE);
    const subsets = ((await api.get(drRef)).spec as { subsets: Array<{ name: string; labels: object }> })
      .subsets;
    expect(subsets.find((s) => s.name === 'v3')?.labels).toEqual({ version: 'v3' });
    expect(splitOf(await api.get(vsRef))).toEqual({ v1: 90, v2: 10 });
    expect((await drafts['drafts.get']({ id: draft.id })).applied?.historyId).toBe(result.historyId);
  });
});
