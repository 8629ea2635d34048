import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../main/core/cluster/backoff.ts';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import { coreResources } from '../../../main/core/cluster/cluster-resources.ts';
import type { KubeHttpClient } from '../../../main/core/cluster/kube-http-client.ts';
import type { StreamState } from '../../../main/core/cluster/resource-watch.ts';
import { startResourceWatch } from '../../../main/core/cluster/resource-watch.ts';

// A watch line that is JSON but no event object (`null`, a number, a list: a broken proxy or
// server): the watch read `.object` of it and its status said "Cannot read properties of null
// (reading 'object')" instead of what the server sent.

const services = coreResources.find((r) => r.key === 'services')!;

async function watchSending(line: unknown): Promise<StreamState[]> {
  const client: KubeHttpClient = {
    server: 'https://api.example',
    async request<T>(): Promise<T> {
      return JSON.stringify({ kind: 'ServiceList', metadata: { resourceVersion: '5' }, items: [] }) as T;
    },
    async stream(req, onObject) {
      req.onOpen?.();
      onObject(line);
    },
  };
  const states: StreamState[] = [];
  const watch = startResourceWatch({
    client,
    resource: services,
    clock: systemClock,
    backoff: createBackoff({ initialMs: 60_000 }),
    sink: { replace: () => {}, upsert: () => {}, remove: () => {}, state: (s) => void states.push(s) },
  });
  const deadline = Date.now() + 5000;
  while (!states.some((s) => s.phase === 'retrying') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  await watch.stop();
  return states;
}

describe('a watch line that is not an event', () => {
  it.each([
    ['null', null],
    ['a number', 5],
    ['a list', [{ type: 'ADDED' }]],
  ])('%s ends the watch with a reason that says so', async (_, line) => {
    const states = await watchSending(line);
    expect(states.find((s) => s.phase === 'retrying')).toMatchObject({
      reason: `the watch of /api/v1/services sent a line that is not a watch event: ${JSON.stringify(line)}`,
    });
  });
});
