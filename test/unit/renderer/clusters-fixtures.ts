import type { FirstAnswers } from '../../../renderer/src/app/first-answers.ts';
import { createClustersStore } from '../../../renderer/src/stores/clusters-store.ts';
import type { CallName, ContextSummary } from '../../../shared/api/contract.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

// The clusters store over a fake main, for the tests of where the app starts.

export const appInfo = {
  name: 'Switchyard',
  version: '1.0.0',
  mode: 'web',
  platform: 'linux',
  node: '20',
  dataDir: '/d',
} as const;

/** The demo mesh's context as main lists it before a session is open. */
export const demoContext: ContextSummary = {
  id: 'demo',
  name: 'Demo mesh',
  cluster: 'switchyard-demo',
  user: 'demo-admin',
  source: 'built in',
  status: 'not-connected',
  isDemo: true,
};

/** A kubeconfig context, not connected. */
export const benchContext: ContextSummary = {
  id: 'kubeconfig:bench',
  name: 'bench',
  cluster: 'c',
  user: 'u',
  source: '/kc',
  isDemo: false,
  status: 'not-connected',
};

/** The first calls' answers as the page carries them, listing `contexts`, no demo running. */
export function firstAnswersListing(contexts: ContextSummary[]): FirstAnswers {
  return {
    'app.info': ok(appInfo),
    'contexts.list': ok({ contexts, problems: [] }),
    'demo.status': ok({ running: false }),
  };
}

/** A fake main whose load() answers list `contexts` (no demo), with `more` calls answered too. */
export function mainListing(contexts: ContextSummary[], more: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'app.info': async () => ok(appInfo),
    'contexts.list': async () => ok({ contexts, problems: [] }),
    'demo.status': async () => ok({ running: false }),
    ...more,
  });
}

/** The clusters store over a fake client, started from `first` when given. */
export function clustersStoreOver(api: ReturnType<typeof fakeApi>['api'], first?: FirstAnswers) {
  return createClustersStore({ ...api, transport: { onStatus: () => () => {} } } as never, first);
}

/** The requests of the calls to `channel`, in order. */
export function requestsTo(calls: ReturnType<typeof fakeApi>['calls'], channel: CallName): unknown[] {
  return calls.filter((c) => c.channel === channel).map((c) => c.request);
}
