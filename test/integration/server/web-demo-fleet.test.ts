import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PageSocket, startWebProcess, type WebProcess } from './web-process.ts';

// `switchyard web --demo --clusters 3`: the console lists the demo fleet's contexts as ordinary
// kubeconfig contexts and reads the fleet view over all three clusters; the default `--demo` keeps
// the single embedded mesh (test/integration/server/web-hostile-messages.test.ts and the e2e).

let web: WebProcess;
let page: PageSocket;

beforeAll(async () => {
  web = await startWebProcess(['--clusters', '3']);
  page = await web.connect();
}, 90_000);
afterAll(async () => {
  page?.close();
  await web?.stop();
});

const value = (o: Awaited<ReturnType<PageSocket['call']>>) => {
  if (o.kind !== 'result' || !o.result.ok) throw new Error(`no answer: ${JSON.stringify(o)}`);
  return o.result.value as never;
};

describe('switchyard web --demo --clusters 3', () => {
  it('lists a context per cluster and user of the demo fleet', async () => {
    const list: { contexts: Array<{ id: string; status: string }> } = value(
      await page.call('contexts.list', {}),
    );
    const ids = list.contexts.map((c) => c.id);
    for (const cluster of ['demo-eu-1', 'demo-us-1', 'demo-ap-1'])
      for (const user of ['admin', 'viewer', 'team']) expect(ids).toContain(`kube:${cluster}-${user}`);
    expect(ids.filter((id) => id.startsWith('kube:demo-'))).toHaveLength(9);
  });

  it('reads reviews across the three clusters, demo-us-1 drifting in its split', async () => {
    const contexts = ['demo-eu-1', 'demo-us-1', 'demo-ap-1'].map((c) => `kube:${c}-admin`);
    const view: {
      clusters: Array<{ reachable: boolean }>;
      services: Array<{ rows: Array<{ contextId: string; drift: Array<{ aspect: string }> }> }>;
    } = value(
      await page.call(
        'fleet.view',
        { contexts, namespace: 'bookinfo', host: 'reviews.bookinfo.svc.cluster.local' },
        60_000,
      ),
    );
    expect(view.clusters.every((c) => c.reachable)).toBe(true);
    const drifted = (view.services[0]?.rows ?? []).filter((r) => r.drift.some((d) => d.aspect === 'split'));
    expect(drifted.map((r) => r.contextId)).toEqual(['kube:demo-us-1-admin']);
  }, 90_000);
});
