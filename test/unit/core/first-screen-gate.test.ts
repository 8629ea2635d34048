import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { firstScreenGate } from '../../../main/core/first-screen-gate.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function tracked(promise: Promise<void>) {
  const state = { settled: false };
  void promise.then(() => {
    state.settled = true;
  });
  return state;
}

const list = { contexts: [], problems: [] };

describe('the first screen gate (what the demo mesh waits for before it starts)', () => {
  it('opens after noPageMs when no page came', async () => {
    const gate = firstScreenGate({ noPageMs: 1000, pageMs: 5000 });
    const served = tracked(gate.served);
    await vi.advanceTimersByTimeAsync(999);
    expect(served.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(served.settled).toBe(true);
  });

  it('waits past noPageMs for a page that came, and opens once its cluster list was answered', async () => {
    const gate = firstScreenGate({ noPageMs: 1000, pageMs: 5000 });
    const served = tracked(gate.served);
    const handlers = gate.watch(fakeHandlers({ 'contexts.list': async () => list }));
    await vi.advanceTimersByTimeAsync(500);
    gate.pageCame();
    await vi.advanceTimersByTimeAsync(2000);
    expect(served.settled).toBe(false);
    await expect(handlers['contexts.list']({})).resolves.toEqual(list);
    expect(served.settled).toBe(false); // not before the answer went out
    await vi.advanceTimersByTimeAsync(0);
    expect(served.settled).toBe(true);
  });

  it('opens pageMs after the page came when its cluster list never comes', async () => {
    const gate = firstScreenGate({ noPageMs: 1000, pageMs: 5000 });
    const served = tracked(gate.served);
    await vi.advanceTimersByTimeAsync(500);
    gate.pageCame();
    await vi.advanceTimersByTimeAsync(4999);
    expect(served.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(served.settled).toBe(true);
  });

  it('in browser mode, waits afterListMs past the answer (the page asked before its app ran)', async () => {
    const gate = firstScreenGate({ noPageMs: 1000, pageMs: 5000, afterListMs: 1500 });
    const served = tracked(gate.served);
    const handlers = gate.watch(fakeHandlers({ 'contexts.list': async () => list }));
    gate.pageCame();
    await handlers['contexts.list']({});
    await vi.advanceTimersByTimeAsync(1499);
    expect(served.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(served.settled).toBe(true);
  });

  it('in browser mode, opens at the answer when no page came (a client of the socket alone)', async () => {
    const gate = firstScreenGate({ noPageMs: 1000, pageMs: 5000, afterListMs: 1500 });
    const served = tracked(gate.served);
    const handlers = gate.watch(fakeHandlers({ 'contexts.list': async () => list }));
    await handlers['contexts.list']({});
    await vi.advanceTimersByTimeAsync(0);
    expect(served.settled).toBe(true);
  });

  it('opens at once when the page says it painted, before or without its list answered', async () => {
    const gate = firstScreenGate({ noPageMs: 1000, pageMs: 5000, afterListMs: 1500 });
    const served = tracked(gate.served);
    const handlers = gate.watch(fakeHandlers({ 'contexts.list': async () => list }));
    gate.pageCame();
    await handlers['contexts.list']({});
    await vi.advanceTimersByTimeAsync(200);
    expect(served.settled).toBe(false);
    gate.painted();
    await vi.advanceTimersByTimeAsync(0);
    expect(served.settled).toBe(true);

    const early = firstScreenGate({ noPageMs: 1000, pageMs: 5000, afterListMs: 1500 });
    const earlyServed = tracked(early.served);
    early.pageCame();
    early.painted();
    await vi.advanceTimersByTimeAsync(0);
    expect(earlyServed.settled).toBe(true);
  });
});
