import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../../renderer/src/api/api-client.ts';
import type { EventSchemas } from '../../../renderer/src/api/event-checks.ts';
import { EARLY_EVENT_LOAD_MS } from '../../../renderer/src/api/event-gate.ts';
import type { Transport } from '../../../renderer/src/api/transport.ts';
import { type EventName, events } from '../../../shared/api/contract.ts';

// The event schemas load after the first screen (event-gate.ts): events that come first are
// held, then checked and delivered in the order they came; none unchecked, none lost.

/** A transport whose events the test pushes by hand, to every listener of the event. */
function fakeTransport() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const transport: Transport = {
    call: async () => ({ ok: false, error: { code: 'unavailable', message: 'test' } }),
    on: (event: EventName, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    onStatus: () => () => {},
  };
  const push = (event: string, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  return { transport, push };
}

/** A schema loader the test finishes by hand. */
function heldLoader() {
  let finish: (schemas: EventSchemas) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const load = vi.fn(
    () =>
      new Promise<EventSchemas>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      }),
  );
  return { load, finish: () => finish(events), fail: (e: Error) => fail(e) };
}

const services = { contextId: 'demo', upserts: [], removed: ['istio:shop/cart'] };
const progress = (stepId: string) => ({ planId: 'p1', stepId, state: 'done' });

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('events that come before the event schemas', () => {
  it('are held, then delivered checked and in the order they came, once the schemas load', async () => {
    vi.useFakeTimers();
    const { transport, push } = fakeTransport();
    const loader = heldLoader();
    const client = createApiClient(transport, loader.load);
    const seen: [string, unknown][] = [];
    client.on('apply.progress', (e) => seen.push(['apply.progress', e]));
    client.on('services.changed', (e) => seen.push(['services.changed', e]));
    expect(loader.load).not.toHaveBeenCalled();

    push('apply.progress', progress('s1'));
    push('services.changed', services);
    push('apply.progress', { ...progress('s2'), state: 'not-a-state' });
    push('apply.progress', { ...progress('s3'), extra: 1 });
    // The first held event starts the load if the app has not by EARLY_EVENT_LOAD_MS; nothing is
    // delivered before it is there, not even the services.changed that needs no schema (it would
    // overtake the event before it).
    await vi.advanceTimersByTimeAsync(EARLY_EVENT_LOAD_MS - 1);
    expect(loader.load).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(loader.load).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([]);

    const loaded = client.loadEventChecks();
    loader.finish();
    await loaded;
    expect(seen).toEqual([
      ['apply.progress', progress('s1')],
      ['services.changed', services],
      // s2 was malformed and is dropped; s3 is zod's copy, without the key the schema does not know.
      ['apply.progress', progress('s3')],
    ]);
    expect(loader.load).toHaveBeenCalledTimes(1);
  });

  it('are delivered synchronously once the schemas are there', async () => {
    const { transport, push } = fakeTransport();
    const loader = heldLoader();
    const client = createApiClient(transport, loader.load);
    const seen: unknown[] = [];
    client.on('apply.progress', (e) => seen.push(e));
    const loaded = client.loadEventChecks();
    loader.finish();
    await loaded;
    push('apply.progress', progress('s1'));
    push('apply.progress', { ...progress('s2'), state: 'not-a-state' });
    expect(seen).toEqual([progress('s1')]);
  });

  it('are not given to a listener that left while they were held', async () => {
    const { transport, push } = fakeTransport();
    const loader = heldLoader();
    const client = createApiClient(transport, loader.load);
    const seen: unknown[] = [];
    const off = client.on('apply.progress', (e) => seen.push(e));
    push('apply.progress', progress('s1'));
    off();
    const loaded = client.loadEventChecks();
    loader.finish();
    await loaded;
    expect(seen).toEqual([]);
  });

  it('still reach later listeners when one listener throws while the queue is delivered', async () => {
    const { transport, push } = fakeTransport();
    const loader = heldLoader();
    const client = createApiClient(transport, loader.load);
    const seen: unknown[] = [];
    const reported: unknown[] = [];
    const onError = (e: unknown) => reported.push(e);
    process.on('uncaughtException', onError);
    try {
      client.on('apply.progress', () => {
        throw new Error('listener bug');
      });
      client.on('apply.progress', (e) => seen.push(e));
      push('apply.progress', progress('s1'));
      const loaded = client.loadEventChecks();
      loader.finish();
      await loaded;
      await new Promise((r) => setTimeout(r, 0));
      expect(seen).toEqual([progress('s1')]);
      expect(reported).toEqual([new Error('listener bug')]);
    } finally {
      process.off('uncaughtException', onError);
    }
  });

  it('are dropped, never delivered unchecked, when the schemas cannot load; the console says so', async () => {
    const { transport, push } = fakeTransport();
    const loader = heldLoader();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = createApiClient(transport, loader.load);
    const seen: [string, unknown][] = [];
    client.on('apply.progress', (e) => seen.push(['apply.progress', e]));
    client.on('services.changed', (e) => seen.push(['services.changed', e]));
    push('apply.progress', progress('s1'));
    push('services.changed', services);
    const loaded = client.loadEventChecks();
    loader.fail(new Error('chunk failed'));
    await loaded;
    push('apply.progress', progress('s2'));
    push('services.changed', { ...services, removed: [] });
    // services.changed is checked by its shape, without a schema: it still passes.
    expect(seen).toEqual([
      ['services.changed', services],
      ['services.changed', { ...services, removed: [] }],
    ]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]?.[0])).toContain('could not load the event schemas');
  });

  it('load the real contract by default, in its own import', async () => {
    const { transport, push } = fakeTransport();
    const client = createApiClient(transport);
    const seen: unknown[] = [];
    client.on('apply.progress', (e) => seen.push(e));
    push('apply.progress', progress('s1'));
    push('apply.progress', { ...progress('s2'), state: 'not-a-state' });
    expect(seen).toEqual([]);
    await client.loadEventChecks();
    expect(seen).toEqual([progress('s1')]);
  });
});
