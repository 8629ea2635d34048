// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app/app.tsx';
import { loadAllScreens } from '../../../renderer/src/app/lazy-screens.tsx';
import { basedOn } from '../../../renderer/src/features/drafts/draft-words.ts';
import { relativeAge } from '../../../renderer/src/features/drafts/relative-time.ts';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createClustersStore, offlineSnapshotOf } from '../../../renderer/src/stores/clusters-store.ts';
import { createDraftsStore } from '../../../renderer/src/stores/drafts-store.ts';
import { createReleaseStore } from '../../../renderer/src/stores/release-store.ts';
import { createServicesStore } from '../../../renderer/src/stores/services-store.ts';
import { createWizardStore } from '../../../renderer/src/stores/wizard-store.ts';
import type { ContextSummary } from '../../../shared/api/contract.ts';
import { freshDomHost } from './dom-host.ts';
import { draftRelease, draftView, fakeApi, ok } from './drafts-fixtures.ts';

const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
const demo: ContextSummary = {
  id: 'demo',
  name: 'Demo mesh',
  cluster: 'demo',
  user: 'admin',
  source: 'demo',
  isDemo: true,
  status: 'not-connected',
  lastUsed: hourAgo,
  snapshotAt: hourAgo,
};

describe('offline words', () => {
  const now = Date.parse('2025-01-02T12:00:00Z');
  it('says how long ago in words', () => {
    expect(relativeAge('2025-01-02T11:59:50Z', now)).toBe('a few seconds');
    expect(relativeAge('2025-01-02T11:59:00Z', now)).toBe('1 minute');
    expect(relativeAge('2025-01-02T09:00:00Z', now)).toBe('3 hours');
    expect(relativeAge('2024-12-30T12:00:00Z', now)).toBe('3 days');
    expect(relativeAge('not a date', now)).toBe('an unknown time');
  });

  it('names where a draft base came from: the live cluster, the offline snapshot, YAML or nothing', () => {
    const at = (
      baseSource: 'cache' | 'snapshot' | 'yaml' | 'none',
      baseCapturedAt = '2025-01-02T11:00:00Z',
    ) => ({
      baseSource,
      baseCapturedAt,
      createdAt: '2025-01-02T11:00:00Z',
    });
    expect(basedOn(at('cache'), now)).toBe('based on live cluster of 1 hour ago');
    expect(basedOn(at('snapshot', '2025-01-02T08:00:00Z'), now)).toBe(
      'based on offline snapshot of 4 hours ago',
    );
    expect(basedOn(at('yaml'), now)).toBe('based on YAML of 1 hour ago');
    expect(basedOn(at('none'), now)).toMatch(/new service/);
  });

  it('shows the snapshot only once opening the context failed, and while it reconnects', () => {
    const with_ = (status: ContextSummary['status'], attempted: boolean) =>
      offlineSnapshotOf(
        { contexts: [{ ...demo, status }], attempted: attempted ? { demo: true } : {} },
        'demo',
      );
    expect(with_('not-connected', false)).toBeUndefined();
    expect(with_('not-connected', true)).toBe(hourAgo);
    expect(with_('error', false)).toBe(hourAgo);
    expect(with_('connecting', true)).toBe(hourAgo);
    expect(with_('connected', true)).toBeUndefined();
  });
});

describe('the app offline', () => {
  const dom = freshDomHost();

  it('shows the last snapshot read-only under an offline banner, and drafts a change from it', async () => {
    const snapshotView = { ...draftRelease('x', { v1: 100, v2: 0 }), contextId: 'demo', editable: false };
    const fake = fakeApi({
      'contexts.list': () => ok({ contexts: [demo], problems: [] }),
      'demo.status': () => ok({ running: false }),
      'app.info': () =>
        ok({ name: 'Switchyard', version: '0', mode: 'web', platform: 'linux', node: '20', dataDir: '/tmp' }),
      'sessions.open': () => ({ ok: false, error: { code: 'unavailable', message: 'connection refused' } }),
      'services.list': () => ok({ services: [], snapshotAt: hourAgo }),
      'release.get': () => ok({ ...snapshotView, snapshotAt: hourAgo }),
      'drafts.list': () => ok({ drafts: [], problems: [] }),
      'drafts.create': (r: { contextId: string }) =>
        ok(draftView('d1', { v1: 100, v2: 0 }, { contextId: r.contextId })),
      'history.list': () => ok({ entries: [] }),
    });
    const api = { ...fake.api, transport: { onStatus: () => () => {} } } as never;
    const clusters = createClustersStore(api);
    const services = createServicesStore(api);
    const releases = createReleaseStore(api);
    const apply = createApplyStore(api, () => {});
    const wizard = createWizardStore(api);
    const drafts = createDraftsStore(api, { releases, apply });
    clusters.getState().setPlace('demo', { releaseId: 'istio:bookinfo/reviews' });
    // The service view is a lazy screen: loaded first, it renders with the app.
    await loadAllScreens();
    await act(async () =>
      dom.root.render(
        <App
          api={api}
          clusters={clusters}
          services={services}
          releases={releases}
          apply={apply}
          wizard={wizard}
          drafts={drafts}
        />,
      ),
    );
    await act(async () => new Promise((r) => setTimeout(r, 0)));
    const banner = dom.host.querySelector('[role="status"][aria-label="Offline snapshot"]');
    expect(banner?.textContent).toMatch(/^Offline — Demo mesh as of 1 hour ago \(.+\), read-only\./);
    expect(banner?.textContent).toContain('connection refused');
    expect(dom.host.querySelector('[role="alert"]')).toBeNull();
    expect(dom.host.querySelector('section[aria-label="Services"]')).not.toBeNull();
    expect(dom.host.querySelector('#service-heading')?.textContent).toContain('reviews');
    expect(fake.sent('services.list')).toContainEqual({ contextId: 'demo' });
    expect(services.getState().byContext.demo?.snapshotAt).toBe(hourAgo);

    const draftButton = [...dom.host.querySelectorAll('button')].find(
      (b) => b.textContent === 'Draft a change',
    );
    await act(async () => draftButton?.click());
    expect(fake.sent('drafts.create')).toEqual([{ contextId: 'demo', releaseId: 'istio:bookinfo/reviews' }]);
    const note = dom.host.querySelector('[role="note"][aria-label="Draft mode"]');
    expect(note?.textContent).toBe(
      'Draft “Canary d1” of reviews.bookinfo.svc.cluster.local for Demo mesh — kept on this laptop, not applied until you apply it.',
    );
    const compare = [...dom.host.querySelectorAll('button')].find(
      (b) => b.textContent === 'Compare with cluster',
    );
    expect(compare?.disabled).toBe(true);
    expect(compare?.title).toMatch(/needs Demo mesh connected/);
    const save = () => [...dom.host.querySelectorAll('button')].find((b) => b.textContent === 'Save draft');
    expect(save()?.disabled).toBe(true);
    // The snapshot is read-only, the draft is not: editing it is a local change, waiting to be saved.
    const v2 = dom.host.querySelector('[role="slider"][aria-label="Weight of v2"]');
    expect(v2?.getAttribute('aria-disabled')).toBeNull();
    await act(async () => releases.getState().move('draft:d1|istio:bookinfo/reviews', 'v2', 10));
    expect(save()?.disabled).toBe(false);
    expect(dom.host.querySelector('[role="status"].chip')?.textContent).toBe('Unsaved changes');
  });
});
