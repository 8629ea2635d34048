import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../main/core/cluster/backoff.ts';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import { coreResources } from '../../../main/core/cluster/cluster-resources.ts';
import type { KubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import type { StreamState } from '../../../main/core/cluster/resource-watch.ts';
import { startResourceWatch } from '../../../main/core/cluster/resource-watch.ts';

// A proxy in front of the API server that caches by path and ignores the query answers the first
// page of a list again and again, with the same continue token. The list asked for the next page
// forever, adding the same items each time: the main process grew until it was killed.

const services = coreResources.find((r) => r.key === 'services')!;

describe('a list whose continue token repeats', () => {
  it('stops with a reason instead of asking for the same page forever', async () => {
    let pages = 0;
    const client: KubeHttpClient = {
      server: 'https://proxy.example',
      async request<T>(): Promise<T> {
        pages++;
        const items = Array.from({ length: 100 }, (_, i) => ({
          metadata: { name: `s${i}`, namespace: 'a', uid: `u${i}`, resourceVersion: '1' },
        }));
        return JSON.stringify({
          kind: 'ServiceList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '5', continue: 'page-2' },
          items,
        }) as T;
      },
      stream: (req) => new Promise<void>((resolve) => req.signal?.addEventListener('abort', () => resolve())),
    };
    const states: StreamState[] = [];
    const replaced: number[] = [];
    const watch = startResourceWatch({
      client,
      resource: services,
      clock: systemClock,
      backoff: createBackoff({ initialMs: 60_000 }),
      sink: {
        replace: (items) => void replaced.push(items.length),
        upsert: () => {},
        remove: () => {},
        state: (s) => void states.push(s),
      },
    });
    const deadline = Date.now() + 5000;
    while (!states.some((s) => s.phase === 'retrying') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    await watch.stop();
    expect(states.find((s) => s.phase === 'retrying')).toMatchObject({
      reason: expect.stringContaining('/api/v1/services answered the continue token it was given'),
    });
    expect(pages).toBe(2);
    expect(replaced).toEqual([]);
  });
});
