import { describe, expect, it } from 'vitest';
import {
  type FirstAnswers,
  parseFirstAnswers,
  readFirstAnswers,
} from '../../../renderer/src/app/first-answers.ts';
import type { ContextSummary } from '../../../shared/api/contract.ts';
import {
  appInfo,
  benchContext as bench,
  clustersStoreOver,
  firstAnswersListing,
  mainListing,
  requestsTo,
} from './clusters-fixtures.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

const answers: FirstAnswers = firstAnswersListing([bench]);

describe('the first answers in the page', () => {
  it('are taken when each of the three is a result shaped as the contract says', () => {
    expect(parseFirstAnswers(JSON.stringify(answers))).toEqual(answers);
    const failed = { ...answers, 'contexts.list': { ok: false, error: { code: 'internal', message: 'x' } } };
    expect(parseFirstAnswers(JSON.stringify(failed))).toEqual(failed);
  });

  it('are left (the app starts as without them) when malformed', () => {
    for (const text of [
      undefined,
      '',
      'not json',
      '[]',
      JSON.stringify({ ...answers, 'app.info': undefined }),
      JSON.stringify({ ...answers, 'app.info': ok({ name: 'Switchyard' }) }),
      JSON.stringify({ ...answers, 'contexts.list': ok({ contexts: [{ id: 1 }], problems: [] }) }),
      JSON.stringify({ ...answers, 'contexts.list': ok({ contexts: [] }) }),
      JSON.stringify({ ...answers, 'demo.status': ok({ running: 'yes' }) }),
      JSON.stringify({ ...answers, 'demo.status': { ok: false, error: { code: 'x' } } }),
    ])
      expect(parseFirstAnswers(text)).toBeUndefined();
  });

  it('are read from the data block by its id', () => {
    const doc = {
      getElementById: (id: string) =>
        id === 'switchyard-first' ? { textContent: JSON.stringify(answers) } : null,
    };
    expect(readFirstAnswers(doc as never)).toEqual(answers);
    expect(readFirstAnswers({ getElementById: () => null } as never)).toBeUndefined();
  });
});

describe('the clusters store started from the first answers', () => {
  it('holds what load() would set from them, with nothing loading', () => {
    const { api } = fakeApi({});
    const store = clustersStoreOver(api, answers);
    const s = store.getState();
    expect(s.loading).toBe(false);
    expect(s.appInfo).toEqual(appInfo);
    expect(s.contexts).toEqual([bench]);
    expect(s.demo).toEqual({ running: false });
    expect(s.error).toBeUndefined();
  });

  it('keeps the list on screen while load() asks again, then takes the fresh answers', async () => {
    const later = { ...bench, name: 'bench-renamed' };
    let answer: (v: unknown) => void = () => {};
    const { api } = fakeApi({
      'app.info': async () => ok(appInfo),
      'contexts.list': () => new Promise((r) => (answer = r)) as never,
      'demo.status': async () => ok({ running: false }),
    });
    const store = clustersStoreOver(api, answers);
    const states: boolean[] = [];
    store.subscribe((s) => states.push(s.loading));
    const loading = store.getState().load();
    await Promise.resolve();
    expect(store.getState().loading).toBe(false);
    expect(store.getState().contexts).toEqual([bench]);
    answer(ok({ contexts: [later], problems: [] }));
    await loading;
    expect(store.getState().contexts).toEqual([later]);
    expect(states).not.toContain(true);
  });

  it("clears the first answers' error once load() gets answers through", async () => {
    const failed: FirstAnswers = {
      ...answers,
      'contexts.list': { ok: false, error: { code: 'internal', message: 'the core did not load' } } as never,
    };
    const { api } = mainListing([bench]);
    const store = clustersStoreOver(api, failed);
    expect(store.getState().error?.message).toBe('the core did not load');
    await store.getState().load();
    expect(store.getState().error).toBeUndefined();
    expect(store.getState().contexts).toEqual([bench]);
  });

  it('without them, shows that it is reading the kubeconfig while load() asks', async () => {
    const { api } = fakeApi({ 'app.info': () => new Promise(() => {}) as never });
    const store = clustersStoreOver(api);
    void store.getState().load();
    expect(store.getState().loading).toBe(true);
  });

  const recent: ContextSummary = {
    ...bench,
    id: 'kubeconfig:prod',
    name: 'prod',
    lastUsed: '2026-12-01T10:00:00Z',
  };
  const withRecent = (status: ContextSummary['status']): FirstAnswers => ({
    ...answers,
    'contexts.list': ok({ contexts: [bench, { ...recent, status }], problems: [] }),
  });

  it('starts on the most recently used context, so the first screen is that cluster, not a list that jumps to it', async () => {
    const { api, calls } = mainListing([bench, { ...recent, status: 'connected' }]);
    const store = clustersStoreOver(api, withRecent('connected'));
    expect(store.getState().activeContextId).toBe('kubeconfig:prod');
    const active: Array<string | undefined> = [];
    store.subscribe((s) => active.push(s.activeContextId));
    await store.getState().load();
    // It stays there: no switch away and back; an open session is not opened again.
    expect(active.every((id) => id === 'kubeconfig:prod')).toBe(true);
    expect(calls.map((c) => c.channel)).not.toContain('sessions.open');
  });

  it('opens that context once load() answers, when main has no session for it yet', async () => {
    const { api, calls } = mainListing([bench, recent], {
      'sessions.open': async () => ok({ ...recent, status: 'connected' }),
    });
    const store = clustersStoreOver(api, withRecent('not-connected'));
    expect(store.getState().activeContextId).toBe('kubeconfig:prod');
    await store.getState().load();
    expect(requestsTo(calls, 'sessions.open')).toEqual([{ contextId: 'kubeconfig:prod' }]);
    expect(store.getState().contexts.find((c) => c.id === 'kubeconfig:prod')?.status).toBe('connected');
  });

  it('does not pull the operator back when they chose another context before load() answered', async () => {
    const { api, calls } = mainListing([bench, recent], {
      'sessions.open': async (input) =>
        ok({ ...bench, id: (input as { contextId: string }).contextId, status: 'connected' }),
    });
    const store = clustersStoreOver(api, withRecent('not-connected'));
    const loading = store.getState().load();
    await store.getState().switchTo('kubeconfig:bench');
    await loading;
    expect(store.getState().activeContextId).toBe('kubeconfig:bench');
    expect(requestsTo(calls, 'sessions.open')).toEqual([{ contextId: 'kubeconfig:bench' }]);
  });

  it('starts as without it when the fresh list no longer has the context it started on', async () => {
    const other: ContextSummary = {
      ...bench,
      id: 'kubeconfig:staging',
      name: 'staging',
      lastUsed: '2026-11-30T10:00:00Z',
    };
    // The kubeconfig changed since the page's answers: prod is gone.
    const { api, calls } = mainListing([bench, other], {
      'sessions.open': async () => ok({ ...other, status: 'connected' }),
    });
    const store = clustersStoreOver(api, withRecent('not-connected'));
    await store.getState().load();
    expect(store.getState().activeContextId).toBe('kubeconfig:staging');
    expect(store.getState().error).toBeUndefined();
    expect(requestsTo(calls, 'sessions.open')).toEqual([{ contextId: 'kubeconfig:staging' }]);
  });
});
