// @vitest-environment happy-dom
import { act } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { NOT_YET_HYDRATED } from '../../../main/server/first-screen-page.ts';
import { createAppStores } from '../../../renderer/src/app/app-stores.ts';
import { appTree } from '../../../renderer/src/app/app-tree.tsx';
import { type FirstAnswers, parseFirstAnswers } from '../../../renderer/src/app/first-answers.ts';
import { renderFirstScreen } from '../../../renderer/src/ssr/first-screen-html.tsx';
import type { ContextSummary } from '../../../shared/api/contract.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const context = (name: string, more: Partial<ContextSummary> = {}): ContextSummary => ({
  id: `kubeconfig:${name}`,
  name,
  cluster: `${name}-cluster`,
  user: `${name}-user`,
  source: '/home/op/.kube/config',
  isDemo: false,
  status: 'not-connected',
  ...more,
});

const answers = (contexts: ContextSummary[]): FirstAnswers => ({
  'app.info': ok({
    name: 'Switchyard',
    version: '1.2.3',
    mode: 'web',
    platform: 'linux',
    node: '20.20.2',
    dataDir: '/home/op/.config/switchyard',
  }),
  'contexts.list': ok({
    contexts,
    problems: [{ file: '/home/op/.kube/broken', message: 'not YAML' }],
  }),
  'demo.status': ok({ running: false }),
});

const twoContexts = answers([
  context('prod-eu', { lastUsed: '2026-12-01T10:00:00Z' }),
  context('staging', { namespace: 'shop' }),
]);

describe("the first screen rendered by the server (browser mode's page)", () => {
  it('shows the clusters, the kubeconfig problems and the version from the answers', () => {
    const html = renderFirstScreen(JSON.stringify(twoContexts)) as string;
    const doc = new DOMParser().parseFromString(`<div id="root">${html}</div>`, 'text/html');
    const items = [...doc.querySelectorAll('ul[aria-label="Kubeconfig contexts"] > li')];
    expect(items.map((li) => li.getAttribute('aria-label'))).toEqual(['prod-eu', 'staging']);
    expect(items[1]?.textContent).toContain('staging-cluster · staging-user · ns shop');
    expect(doc.querySelector('[role=alert]')?.textContent).toContain('/home/op/.kube/broken: not YAML');
    expect(doc.querySelector('footer')?.textContent).toBe('Switchyard 1.2.3 · web mode · Node 20.20.2');
    expect(html).not.toContain('Reading your kubeconfig');
    // The browser restores no old query into the server's cluster box.
    expect(doc.querySelector('input[aria-label="Cluster"]')?.getAttribute('autocomplete')).toBe('off');
  });

  it('renders nothing for answers the page would not take', () => {
    expect(renderFirstScreen('{"app.info":{"ok":true,"value":{}}}')).toBeUndefined();
    expect(renderFirstScreen('not json')).toBeUndefined();
  });

  it('escapes what a kubeconfig names: a context called <img onerror> is text', () => {
    const html = renderFirstScreen(
      JSON.stringify(answers([context('<img src=x onerror=alert(1)>')])),
    ) as string;
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  /**
   * The server's markup for `first` in the document as the page has it before its scripts: inside
   * #root, marked as not yet hydrated (main/server/first-screen-page.ts).
   */
  function serverMarkup(first: FirstAnswers = twoContexts): HTMLDivElement {
    const page = new DOMParser().parseFromString(
      `<div id="root" ${NOT_YET_HYDRATED}>${renderFirstScreen(JSON.stringify(first))}</div>`,
      'text/html',
    );
    const host = document.importNode(page.querySelector('#root') as HTMLDivElement, true);
    document.body.append(host);
    return host;
  }

  /**
   * Hydrates `host` as main.tsx does: the answers read back from the data block, the socket's
   * calls left pending (services.list answered with `services`). Returns the calls the app made,
   * its stores, its recoverable errors and an unmount.
   */
  async function hydrate(host: HTMLDivElement, answered: FirstAnswers = twoContexts) {
    const first = parseFirstAnswers(JSON.stringify(answered));
    expect(first).toBeDefined();
    const pending = new Promise<never>(() => {});
    const fake = fakeApi({
      'app.info': () => pending,
      'contexts.list': () => pending,
      'demo.status': () => pending,
      'services.list': () => pending,
    });
    const api = {
      ...fake.api,
      loadEventChecks: async () => {},
      transport: { onStatus: () => () => {} },
    } as never;
    const errors: unknown[] = [];
    const stores = createAppStores(api, first);
    let root: ReturnType<typeof hydrateRoot> | undefined;
    await act(async () => {
      root = hydrateRoot(host, appTree(stores), { onRecoverableError: (error) => errors.push(error) });
    });
    return {
      calls: fake.calls,
      stores,
      errors,
      unmount: () => {
        act(() => root?.unmount());
        host.remove();
      },
    };
  }

  it('is what the app renders first from the same answers: React hydrates it without a mismatch', async () => {
    const host = serverMarkup();
    const item = host.querySelector('li[aria-label="staging"]');
    const app = await hydrate(host);
    expect(app.errors).toEqual([]);
    // The server's elements are the app's now: the same nodes, not a fresh render.
    expect(host.querySelector('li[aria-label="staging"]')).toBe(item);
    expect(Object.keys(item as Element).some((k) => k.startsWith('__reactFiber'))).toBe(true);
    // And the app goes on as without the block: it asks its first calls over the socket.
    expect(app.calls.map((c) => c.channel)).toEqual(expect.arrayContaining(['app.info', 'contexts.list']));
    // Once React has it, #root no longer says it is busy and disabled: its controls work.
    expect(host.getAttribute('aria-busy')).toBeNull();
    expect(host.getAttribute('aria-disabled')).toBeNull();
    app.unmount();
  });

  it('takes over what was typed in the cluster box before the scripts ran: the list opens, filtered', async () => {
    const host = serverMarkup();
    const box = host.querySelector('input[aria-label="Cluster"]') as HTMLInputElement;
    // The operator clicked the painted box and typed before React hydrated it.
    box.focus();
    box.value = 'stag';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    const app = await hydrate(host);
    expect(host.querySelector('input[aria-label="Cluster"]')).toBe(box);
    expect(box.value).toBe('stag');
    expect(box.getAttribute('aria-expanded')).toBe('true');
    const options = [
      ...host.querySelectorAll('[role=listbox][aria-label="Clusters to switch to"] [role=option]'),
    ];
    expect(options.map((o) => o.querySelector('.context-name')?.textContent)).toEqual(['staging:']);
    app.unmount();
  });

  const returning = answers([
    context('staging', { namespace: 'shop' }),
    context('prod-eu', { lastUsed: '2026-12-01T10:00:00Z', status: 'connected' }),
  ]);

  it("is the last used cluster's screen when the operator comes back, hydrated without a mismatch", async () => {
    const host = serverMarkup(returning);
    // That cluster open with its services' search, not a screen the app would leave at once.
    const search = host.querySelector('input[aria-label="Search services"]');
    expect(search).not.toBeNull();
    expect(host.querySelector('input[aria-label="Cluster"]')?.getAttribute('placeholder')).toMatch(
      /^prod-eu · /,
    );
    const app = await hydrate(host, returning);
    expect(app.errors).toEqual([]);
    expect(host.querySelector('input[aria-label="Search services"]')).toBe(search);
    expect(app.stores.clusters.getState().activeContextId).toBe('kubeconfig:prod-eu');
    app.unmount();
  });

  it('takes over a search typed in the painted service search before the scripts ran', async () => {
    const host = serverMarkup(returning);
    const search = host.querySelector('input[aria-label="Search services"]') as HTMLInputElement;
    search.focus();
    search.value = 'rev';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    const app = await hydrate(host, returning);
    expect(search.value).toBe('rev');
    expect(app.stores.clusters.getState().places['kubeconfig:prod-eu']?.search).toBe('rev');
    app.unmount();
  });

  it("holds no style attribute: the page's CSP (style-src 'self') would block it, and hydration would not set it", () => {
    for (const first of [twoContexts, returning]) {
      const html = renderFirstScreen(JSON.stringify(first)) as string;
      expect(html).toContain('Cluster');
      expect(html).not.toMatch(/\sstyle="/);
    }
  });

  it("sets the service list's height once the page has hydrated it", async () => {
    const host = serverMarkup(returning);
    const app = await hydrate(host, returning);
    const rows = host.querySelector('[role=listbox][aria-label="Service list"]') as HTMLElement;
    expect(rows.style.height).toBe('0px');
    app.unmount();
  });

  it("leaves an offline cluster's snapshot age and local time to the page: they depend on its clock and locale", async () => {
    const offline = answers([
      context('prod-eu', {
        lastUsed: '2026-12-01T10:00:00Z',
        status: 'error',
        statusReason: 'connection refused',
        snapshotAt: '2026-12-01T09:00:00Z',
      }),
    ]);
    const host = serverMarkup(offline);
    const banner = () => host.querySelector('[role=status][aria-label="Offline snapshot"]');
    expect(banner()?.textContent).toContain('prod-eu as of its last snapshot, read-only.');
    expect(banner()?.textContent).not.toContain(' ago');
    const app = await hydrate(host, offline);
    expect(app.errors).toEqual([]);
    expect(banner()?.textContent).toMatch(/prod-eu as of .+ ago \(.+\), read-only\./);
    app.unmount();
  });
});
