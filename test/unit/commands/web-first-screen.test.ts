import { describe, expect, it } from 'vitest';
import { firstScreenRenderer } from '../../../main/commands/web-first-screen.ts';
import type { ApiHandlers } from '../../../main/core/api-dispatch.ts';
import { dispatchCall } from '../../../main/core/api-dispatch.ts';
import { firstScreenGate } from '../../../main/core/first-screen-gate.ts';
import { FIRST_ANSWER_CALLS, renderFirstScreen } from '../../../renderer/src/ssr/first-screen-html.tsx';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';
import { benchContext } from '../renderer/clusters-fixtures.ts';

const handlers = fakeHandlers({
  'app.info': async () => ({
    name: 'Switchyard',
    version: '2.0.0',
    mode: 'web',
    platform: 'linux',
    node: '20',
    dataDir: '/d',
  }),
  'contexts.list': async () => ({
    contexts: [benchContext],
    problems: [],
  }),
  'demo.status': async () => ({ running: false, starting: true }),
}) as ApiHandlers;
const core = async () => ({ dispatchCall, renderFirstScreen, FIRST_ANSWER_CALLS });

describe("the web command's first screen", () => {
  it('answers the first calls through the handlers, checked, and renders the screen from those answers', async () => {
    const first = await firstScreenRenderer({ pageCame: () => {} }, core, Promise.resolve(handlers))();
    expect(first).toBeDefined();
    const answers = JSON.parse(first?.answers ?? '');
    expect(Object.keys(answers)).toEqual(['app.info', 'contexts.list', 'demo.status']);
    expect(answers['demo.status']).toEqual({ ok: true, value: { running: false, starting: true } });
    expect(first?.html).toContain('<li aria-label="bench">');
  });

  it('tells the gate a page came before it answers the cluster list: the demo mesh waits for the paint', async () => {
    // Without a page, a cluster list answered opens the gate at once (a client of the socket
    // alone); with one, it waits for the page to paint (or afterListMs).
    const gate = firstScreenGate({ noPageMs: 60_000, pageMs: 60_000, afterListMs: 60_000 });
    let open = false;
    void gate.served.then(() => {
      open = true;
    });
    await firstScreenRenderer(gate, core, Promise.resolve(gate.watch(handlers)))();
    await new Promise((r) => setTimeout(r, 20));
    expect(open).toBe(false);
    gate.painted();
    await new Promise((r) => setTimeout(r, 20));
    expect(open).toBe(true);
  });

  it('sends an answer the contract refuses as the error the app shows for it', async () => {
    const broken = {
      ...handlers,
      'app.info': async () => ({ name: 'Switchyard' }),
    } as unknown as ApiHandlers;
    // dispatchCall refuses the malformed answer (an error result, as the socket would send it).
    const first = await firstScreenRenderer({ pageCame: () => {} }, core, Promise.resolve(broken))();
    expect(JSON.parse(first?.answers ?? '{}')['app.info'].ok).toBe(false);
    expect(first?.html).toContain('role="alert"');
  });
});
