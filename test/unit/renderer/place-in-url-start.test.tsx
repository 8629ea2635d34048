// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { usePlaceInUrl } from '../../../renderer/src/app/use-place-in-url.ts';
import type { ClustersStore } from '../../../renderer/src/stores/clusters-store.ts';
import type { ContextSummary } from '../../../shared/api/contract.ts';
import { clustersStoreOver, firstAnswersListing, mainListing, requestsTo } from './clusters-fixtures.ts';
import { fakeApi } from './drafts-fixtures.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// Where the page starts when it came with its first answers (browser mode) and a hash: a reload
// keeps the hash of the cluster the page started on, so both name the same context.

const prod: ContextSummary = {
  id: 'kubeconfig:prod',
  name: 'prod',
  cluster: 'c',
  user: 'u',
  source: '/kc',
  isDemo: false,
  status: 'not-connected',
  lastUsed: '2026-12-01T10:00:00Z',
};
const first = firstAnswersListing([prod]);

function Place({ clusters }: { clusters: ClustersStore }) {
  usePlaceInUrl(clusters);
  return null;
}

afterEach(() => {
  window.history.replaceState(null, '', '/');
});

describe('the place in the URL at start, with the first answers', () => {
  it('opens an unreachable cluster once when the hash names the one the page started on', async () => {
    window.history.replaceState(null, '', '/#/c/kubeconfig%3Aprod');
    const { api, calls } = mainListing([prod], {
      'sessions.open': async () => ({
        ok: false,
        error: { code: 'unavailable', message: 'connection refused' },
      }),
    });
    const clusters = clustersStoreOver(api, first);
    const host = document.createElement('div');
    const root = createRoot(host);
    await act(async () => root.render(<Place clusters={clusters} />));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(requestsTo(calls, 'sessions.open')).toHaveLength(1);
    expect(clusters.getState().contexts[0]?.status).toBe('error');
    expect(window.location.hash).toBe('#/c/kubeconfig%3Aprod');
    act(() => root.unmount());
  });

  it('puts the cluster the page started on in the URL at once when there is no hash', async () => {
    const { api } = fakeApi({ 'app.info': () => new Promise(() => {}) as never });
    const clusters = clustersStoreOver(api, first);
    const host = document.createElement('div');
    const root = createRoot(host);
    await act(async () => root.render(<Place clusters={clusters} />));
    expect(window.location.hash).toBe('#/c/kubeconfig%3Aprod');
    act(() => root.unmount());
  });
});
