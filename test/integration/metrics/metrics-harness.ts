import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { MetricsServiceDependencies } from '../../../main/core/metrics/metrics-service.ts';
import { createMetricsService } from '../../../main/core/metrics/metrics-service.ts';
import { createPrometheusSettingsStore } from '../../../main/core/metrics/prometheus-settings-store.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';
import type { MetricsSnapshot } from '../../../shared/api/metrics-schemas.ts';

export const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
export const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';

/** The console (for sessions) and the metrics service over one running demo mesh, as app-core wires them. */
export async function metricsOverDemo(mesh: DemoMesh, extra: Partial<MetricsServiceDependencies> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-metrics-'));
  const updates: MetricsSnapshot[] = [];
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    if (event === 'metrics.update') updates.push(payload as MetricsSnapshot);
  };
  const consoleHandlers = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit,
    demoKubeconfig: () => mesh.kubeconfigPath,
  });
  await consoleHandlers['sessions.open']({ contextId: 'demo' });
  await consoleHandlers['services.list']({ contextId: 'demo' });
  const metrics = createMetricsService({
    session: (id) => consoleHandlers.session(id),
    settings: createPrometheusSettingsStore(dataDir),
    emit,
    ...extra,
  });
  return {
    dataDir,
    metrics,
    updates,
    async dispose() {
      metrics.dispose();
      await consoleHandlers.dispose();
    },
  };
}

export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  everyMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Each version's share of the latest requests per second, in percent. */
export function sharesOf(s: MetricsSnapshot): Record<string, number> {
  const total = s.latest.reduce((n, l) => n + (l.rps ?? 0), 0);
  return Object.fromEntries(s.latest.map((l) => [l.version, total > 0 ? (100 * (l.rps ?? 0)) / total : 0]));
}

export const near = (shares: Record<string, number>, want: Record<string, number>, points: number) =>
  Object.entries(want).every(([v, share]) => Math.abs((shares[v] ?? 0) - share) <= points);
