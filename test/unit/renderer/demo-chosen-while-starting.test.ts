import { describe, expect, it } from 'vitest';
import type { ContextSummary, DemoStatus } from '../../../shared/api/contract.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';
import { appInfo, clustersStoreOver, demoContext } from './clusters-fixtures.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

// The server-rendered first screen lists the demo mesh while it is still starting with the app,
// and its switcher works as soon as React has hydrated it: before the page's own first calls are
// answered. An operator (or a test) who chooses "Demo mesh" then must get the demo, not an error
// that leaves the console empty (the CI failure of console-wizard and sample-import-limit).

const firstAnswers = {
  'app.info': ok(appInfo),
  'contexts.list': ok({ contexts: [demoContext], problems: [] }),
  'demo.status': ok({ running: false, starting: true }),
};

/** A main whose demo is starting: sessions.open of it fails until demo.open has answered. */
function mainWithStartingDemo() {
  let running = false;
  let finishStart: () => void = () => {};
  const started = new Promise<void>((r) => (finishStart = r));
  let answerLoad: () => void = () => {};
  const loadAnswered = new Promise<void>((r) => (answerLoad = r));
  const fake = fakeApi({
    'app.info': async () => {
      await loadAnswered;
      return ok(appInfo);
    },
    // Read before the session opened: the demo is listed as not connected.
    'contexts.list': async () => {
      await loadAnswered;
      return ok({ contexts: [demoContext], problems: [] });
    },
    'demo.status': async () => {
      await loadAnswered;
      return ok({ running: false, starting: true });
    },
    'demo.open': async () => {
      await started;
      running = true;
      return ok<DemoStatus>({ running: true, url: 'https://127.0.0.1:1', contextId: 'demo' });
    },
    'sessions.open': async (): Promise<ApiResult<ContextSummary>> =>
      running
        ? ok({ ...demoContext, status: 'connected' })
        : {
            ok: false,
            error: { code: 'unavailable', message: 'the demo mesh is not running: open it first' },
          },
  });
  return { fake, finishStart, answerLoad };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('choosing the demo mesh while it is still starting', () => {
  it('opens the demo first, then its session: the console gets the demo, not an error', async () => {
    const { fake, finishStart, answerLoad } = mainWithStartingDemo();
    const store = clustersStoreOver(fake.api, firstAnswers);
    const loading = store.getState().load();
    // The operator chooses it before the page's first calls are answered.
    const chosen = store.getState().switchTo('demo');
    await settle();
    expect(store.getState().contexts[0]?.status).toBe('connecting');
    expect(fake.sent('sessions.open')).toEqual([]);
    answerLoad();
    await loading;
    finishStart();
    await chosen;
    expect(fake.sent('sessions.open')).toEqual([{ contextId: 'demo' }]);
    expect(store.getState().activeContextId).toBe('demo');
    expect(store.getState().contexts[0]?.status).toBe('connected');
    expect(store.getState().demo.running).toBe(true);
    expect(store.getState().error).toBeUndefined();
  });

  it('says why when the demo cannot start, on the demo context and once', async () => {
    const fake = fakeApi({
      'demo.open': async () => ({ ok: false, error: { code: 'internal', message: 'port in use' } }),
    });
    const store = clustersStoreOver(fake.api, firstAnswers);
    await store.getState().switchTo('demo');
    expect(fake.sent('sessions.open')).toEqual([]);
    expect(store.getState().contexts[0]).toMatchObject({ status: 'error', statusReason: 'port in use' });
    expect(store.getState().error?.message).toBe('port in use');
    expect(store.getState().attempted.demo).toBe(true);
  });

  it('keeps a session opened meanwhile when a list read before it is answered', async () => {
    const { fake, finishStart, answerLoad } = mainWithStartingDemo();
    const store = clustersStoreOver(fake.api, firstAnswers);
    const loading = store.getState().load();
    finishStart();
    await store.getState().switchTo('demo');
    expect(store.getState().contexts[0]?.status).toBe('connected');
    answerLoad();
    await loading;
    expect(store.getState().contexts[0]?.status).toBe('connected');
    expect(store.getState().activeContextId).toBe('demo');
  });
});

describe('choosing the demo mesh when it is not starting', () => {
  it('does not start it: its session is opened and fails as any offline one', async () => {
    const fake = fakeApi({
      'sessions.open': async () => ({
        ok: false,
        error: { code: 'unavailable', message: 'the demo mesh is not running: open it first' },
      }),
    });
    const store = clustersStoreOver(fake.api, { ...firstAnswers, 'demo.status': ok({ running: false }) });
    await store.getState().switchTo('demo');
    expect(fake.sent('demo.open')).toEqual([]);
    expect(store.getState().contexts[0]).toMatchObject({ status: 'error' });
  });
});

describe('what load() answers, read before the page changed something', () => {
  it('does not keep a status the page did not set: a session main closed is opened again', async () => {
    // The page was rendered with the demo connected; main closed that session before the page's
    // socket listened, so no event said so. load()'s list is the truth.
    const fake = fakeApi({
      'app.info': async () => ok(appInfo),
      'contexts.list': async () => ok({ contexts: [demoContext], problems: [] }),
      'demo.status': async () => ok({ running: true, url: 'https://127.0.0.1:1', contextId: 'demo' }),
      'sessions.open': async () => ok({ ...demoContext, status: 'connected' }),
    });
    const store = clustersStoreOver(fake.api, {
      ...firstAnswers,
      'contexts.list': ok({ contexts: [{ ...demoContext, status: 'connected' }], problems: [] }),
      'demo.status': ok({ running: true, url: 'https://127.0.0.1:1', contextId: 'demo' }),
    });
    expect(store.getState().activeContextId).toBe('demo');
    await store.getState().load();
    expect(fake.sent('sessions.open')).toEqual([{ contextId: 'demo' }]);
    expect(store.getState().contexts[0]?.status).toBe('connected');
  });

  it('does not take the demo back to starting once its start was followed to the end', async () => {
    const { fake, finishStart, answerLoad } = mainWithStartingDemo();
    const store = clustersStoreOver(fake.api, firstAnswers);
    const loading = store.getState().load();
    finishStart();
    await store.getState().switchTo('demo');
    expect(store.getState().demo.running).toBe(true);
    answerLoad(); // its demo.status was read while the demo was starting
    await loading;
    expect(store.getState().demo).toMatchObject({ running: true });
    expect(store.getState().demo.starting).toBeUndefined();
  });

  it('a start that failed leaves the demo neither running nor starting: a later choice does not start it', async () => {
    let opens = 0;
    const fake = fakeApi({
      'demo.open': async () => {
        opens++;
        return { ok: false, error: { code: 'internal', message: 'port in use' } };
      },
      'sessions.open': async () => ({ ok: false, error: { code: 'unavailable', message: 'not running' } }),
    });
    const store = clustersStoreOver(fake.api, firstAnswers);
    await store.getState().switchTo('demo');
    expect(store.getState().demo).toEqual({ running: false });
    await store.getState().switchTo('demo');
    expect(opens).toBe(1);
  });

  it('an error after the wait keeps what events said of the context meanwhile', async () => {
    const { fake, answerLoad } = mainWithStartingDemo();
    answerLoad();
    let failStart: () => void = () => {};
    const failing = fakeApi({
      'demo.open': () =>
        new Promise((resolve) => {
          failStart = () => resolve({ ok: false, error: { code: 'internal', message: 'port in use' } });
        }),
    });
    const store = clustersStoreOver(
      { ...fake.api, call: failing.api.call, on: fake.api.on } as never,
      firstAnswers,
    );
    const chosen = store.getState().switchTo('demo');
    await settle();
    fake.emit('contexts.changed', {
      contexts: [{ ...demoContext, source: '/data/demo/kubeconfig' }],
      problems: [],
    });
    failStart();
    await chosen;
    expect(store.getState().contexts[0]).toMatchObject({
      source: '/data/demo/kubeconfig',
      status: 'error',
      statusReason: 'port in use',
    });
  });
});
