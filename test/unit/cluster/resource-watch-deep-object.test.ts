import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../main/core/cluster/backoff.ts';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import { coreResources } from '../../../main/core/cluster/cluster-resources.ts';
import type { KubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import type { StreamState } from '../../../main/core/cluster/resource-watch.ts';
import { startResourceWatch } from '../../../main/core/cluster/resource-watch.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

// One object with a deeply nested field (a status or an unpruned field, written by anyone allowed
// to; the API server decodes up to 10,000 levels): 9,000 levels. Sharing its strings walked it
// recursively and overflowed the stack; the list page was then reported as "not JSON", every relist
// failed the same way, and the kind never finished listing.

const services = coreResources.find((r) => r.key === 'services')!;
const DEPTH = 9_000;

const deepService = () =>
  `{"metadata":{"name":"deep","namespace":"a","uid":"u1","resourceVersion":"1"},"status":${'{"a":'.repeat(DEPTH)}"x"${'}'.repeat(DEPTH)}}`;

describe('a listed object nested very deeply', () => {
  it('is stored like any other instead of failing every list of its kind', async () => {
    const client: KubeHttpClient = {
      server: 'https://api.example',
      async request<T>(): Promise<T> {
        return `{"kind":"ServiceList","metadata":{"resourceVersion":"5"},"items":[${deepService()}]}` as T;
      },
      stream: (req) => new Promise<void>((resolve) => req.signal?.addEventListener('abort', () => resolve())),
    };
    const states: StreamState[] = [];
    const replaced: KubeObject[][] = [];
    const watch = startResourceWatch({
      client,
      resource: services,
      clock: systemClock,
      backoff: createBackoff({ initialMs: 60_000 }),
      sink: {
        replace: (items) => void replaced.push(items),
        upsert: () => {},
        remove: () => {},
        state: (s) => void states.push(s),
      },
      strings: (await import('../../../main/core/cluster/interned-strings.ts')).createStringPool(),
    });
    const deadline = Date.now() + 5000;
    while (replaced.length === 0 && !states.some((s) => s.phase === 'retrying') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    await watch.stop();
    expect(states.find((s) => s.phase === 'retrying')).toBeUndefined();
    expect(replaced.map((items) => items.map((o) => o.metadata.name))).toEqual([['deep']]);
  });
});
