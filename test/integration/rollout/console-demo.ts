// The console's handlers over a demo mesh of their own, as the wizard's tests drive them: started,
// a rollout taken to `ready`, the catch-all split read from the demo's store (the mesh itself).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh, DemoMeshOptions } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';

export const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';
export const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

export type ConsoleHandlers = ReturnType<typeof createConsoleHandlers>;

export interface ConsoleDemo {
  mesh: DemoMesh;
  h: ConsoleHandlers;
  stop(): Promise<void>;
}

export async function startConsoleDemo(
  demo: DemoMeshOptions,
  stepPlans?: { tickMs: number; minWindowSeconds: number },
): Promise<ConsoleDemo> {
  const mesh = await startDemoMesh({ podReadyDelayMs: 0, scrapeIntervalMs: 1000, ...demo });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-console-demo-'));
  const h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    demoRequests: demoSampleRequests,
    pauseMs: 10,
    rolloutTimeoutMs: 20_000,
    ...(stepPlans ? { stepPlans } : {}),
  });
  await h['sessions.open']({ contextId: 'demo' });
  return {
    mesh,
    h,
    async stop() {
      await h.dispose();
      await mesh.stop();
    },
  };
}

/** `fn`'s first defined answer, asked every 100 ms; fails naming `what` after `ms`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a rollout of `newVersion` from v1 and waits until it is ready; its id. */
export async function readyRollout(
  h: ConsoleHandlers,
  releaseId: string,
  newVersion: string,
  image: string,
): Promise<string> {
  const { id } = await h['rollout.start']({
    contextId: 'demo',
    releaseId,
    fromVersion: 'v1',
    newVersion,
    image,
    replicas: 1,
  });
  await until('the rollout to be ready', async () => {
    const w = (await h['rollout.list']({ contextId: 'demo' })).rollouts.find((r) => r.id === id);
    return w?.phase === 'ready' && !w.running ? w : undefined;
  });
  return id;
}

/** The catch-all ("default") route's weights of a VirtualService, as the demo's store holds it. */
export function defaultSplit(mesh: DemoMesh, namespace: string, name: string): Record<string, number> {
  const type = mesh.store.typeFor('networking.istio.io/v1', 'VirtualService');
  const vs = type ? mesh.store.get(type, namespace, name) : undefined;
  const http = (vs?.spec as { http?: Array<{ name?: string; route?: unknown[] }> } | undefined)?.http ?? [];
  const def = http.find((r) => r.name === 'default') as
    | { route: Array<{ destination: { subset: string }; weight?: number }> }
    | undefined;
  return Object.fromEntries((def?.route ?? []).map((d) => [d.destination.subset, d.weight ?? 100]));
}
