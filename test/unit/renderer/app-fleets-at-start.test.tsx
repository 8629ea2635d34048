// @vitest-environment happy-dom
import { act } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app/app.tsx';
import { loadAllScreens } from '../../../renderer/src/app/lazy-screens.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createClustersStore } from '../../../renderer/src/stores/clusters-store.ts';
import { createDraftsStore } from '../../../renderer/src/stores/drafts-store.ts';
import { createReleaseStore } from '../../../renderer/src/stores/release-store.ts';
import { createServicesStore } from '../../../renderer/src/stores/services-store.ts';
import { createWizardStore } from '../../../renderer/src/stores/wizard-store.ts';
import type { ContextSummary } from '../../../shared/api/contract.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

const context = (id: string): ContextSummary => ({
  id,
  name: id,
  cluster: id,
  user: 'admin',
  source: 'kubeconfig',
  isDemo: false,
  status: 'connected',
});

function renderApp(host: ReturnType<typeof freshDomHost>) {
  const fake = fakeApi({
    'contexts.list': () => ok({ contexts: [context('a'), context('b')], problems: [] }),
    'drafts.list': () => ok({ drafts: [], problems: [] }),
    'services.list': () => ok({ services: [] }),
    'fleet.list': () => ok({ fleets: [] }),
    'history.list': () => ok({ entries: [] }),
  });
  const api = { ...fake.api, transport: { onStatus: () => () => {} } } as never;
  const clusters = createClustersStore(api);
  clusters.setState({ contexts: [context('a'), context('b')] });
  const releases = createReleaseStore(api);
  const apply = createApplyStore(api, () => {});
  act(() =>
    host.root.render(
      <App
        api={api}
        clusters={clusters}
        services={createServicesStore(api)}
        releases={releases}
        apply={apply}
        wizard={createWizardStore(api)}
        drafts={createDraftsStore(api, { releases, apply })}
      />,
    ),
  );
  return clusters;
}

describe('the Fleets screen and the place', () => {
  const dom = freshDomHost();
  // The Fleets screen is a lazy chunk, and the app preloads the others once its cluster list is
  // there. Loaded here first, no import is left to finish after the test's environment is torn
  // down: one that did failed a CI run whose every test passed (vitest's unhandled error).
  beforeAll(loadAllScreens);
  const fleets = () => buttonIn(dom.host, 'Fleets');

  it('stays open when the app opens its first cluster after Fleets was clicked', async () => {
    const clusters = renderApp(dom);
    await act(async () => fleets().click());
    expect(fleets().getAttribute('aria-pressed')).toBe('true');
    // The app's start: the first cluster becomes active (as clusters.load does) after the click.
    await act(async () => clusters.getState().switchTo('a'));
    expect(fleets().getAttribute('aria-pressed')).toBe('true');
  });

  it('closes when the operator picks another cluster', async () => {
    const clusters = renderApp(dom);
    await act(async () => clusters.getState().switchTo('a'));
    await act(async () => fleets().click());
    expect(fleets().getAttribute('aria-pressed')).toBe('true');
    await act(async () => clusters.getState().switchTo('b'));
    expect(fleets().getAttribute('aria-pressed')).toBe('false');
  });
});
