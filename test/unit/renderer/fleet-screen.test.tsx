// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { FleetPicker } from '../../../renderer/src/features/fleet/fleet-picker.tsx';
import { FleetScreen } from '../../../renderer/src/features/fleet/fleet-screen.tsx';
import { FleetDrift } from '../../../renderer/src/features/fleet/fleet-table.tsx';
import type { ContextSummary } from '../../../shared/api/contract.ts';
import type { FleetView } from '../../../shared/api/fleet-schemas.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

const dom = freshDomHost();
const HOST = 'reviews.bookinfo.svc.cluster.local';

const context = (id: string, status: ContextSummary['status']): ContextSummary => ({
  id,
  name: id.replace('kube:', ''),
  cluster: id,
  user: 'admin',
  source: '/kubeconfig',
  isDemo: false,
  status,
});
const CONTEXTS = [
  context('kube:eu', 'connected'),
  context('kube:us', 'not-connected'),
  context('kube:ap', 'read-only'),
];

async function typeInto(input: HTMLInputElement, value: string) {
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

describe('the fleet picker', () => {
  it('uses the connected contexts ad hoc, ticks one more, and saves the fleet under a name', async () => {
    const fake = fakeApi({
      'fleet.list': () => ok({ fleets: [] }),
      'fleet.save': (req) => ok({ fleets: [req as { name: string; contexts: string[] }] }),
    });
    let chosen: string[] = [];
    const render = () =>
      dom.root.render(
        <FleetPicker
          api={fake.api}
          contexts={CONTEXTS}
          chosen={chosen}
          onChoose={(c) => {
            chosen = c;
            render();
          }}
        />,
      );
    await act(async () => render());
    await act(async () => buttonIn(dom.host, 'Use all connected contexts').click());
    expect(chosen).toEqual(['kube:eu', 'kube:ap']);
    const us = [...dom.host.querySelectorAll('label')]
      .find((l) => l.textContent?.includes('us (not-connected)'))
      ?.querySelector('input') as HTMLInputElement;
    await act(async () => us.click());
    expect(chosen).toEqual(['kube:eu', 'kube:ap', 'kube:us']);
    const name = [...dom.host.querySelectorAll('label')]
      .find((l) => l.textContent?.includes('Fleet name'))
      ?.querySelector('input') as HTMLInputElement;
    await typeInto(name, ' europe ');
    await act(async () => buttonIn(dom.host, 'Save fleet').click());
    expect(fake.sent('fleet.save')).toEqual([
      { name: 'europe', contexts: ['kube:eu', 'kube:ap', 'kube:us'] },
    ]);
    expect(dom.host.querySelector('[role="status"]')?.textContent).toBe(
      'Saved the fleet europe (3 clusters).',
    );
    // The saved fleet is offered from then on.
    expect(dom.host.querySelector('select')?.textContent).toContain('europe (3 clusters)');
  });

  it('says why a fleet was not saved', async () => {
    const fake = fakeApi({
      'fleet.list': () => ok({ fleets: [] }),
      'fleet.save': () => ({
        ok: false,
        error: { code: 'invalid-request', message: 'a fleet needs a name' },
      }),
    });
    await act(async () =>
      dom.root.render(
        <FleetPicker api={fake.api} contexts={CONTEXTS} chosen={['kube:eu']} onChoose={() => {}} />,
      ),
    );
    await act(async () => buttonIn(dom.host, 'Save fleet').click());
    expect(dom.host.querySelector('[role="alert"]')?.textContent).toBe(
      'The fleet was not saved: a fleet needs a name',
    );
  });
});

describe('a saved fleet', () => {
  it('is chosen from the list (its clusters ticked, its name ready to save again) and can be deleted', async () => {
    const fleets = [{ name: 'europe', contexts: ['kube:eu', 'kube:ap'] }];
    const fake = fakeApi({
      'fleet.list': () => ok({ fleets }),
      'fleet.delete': () => ok({ fleets: [] }),
    });
    let chosen: string[] = [];
    await act(async () =>
      dom.root.render(
        <FleetPicker api={fake.api} contexts={CONTEXTS} chosen={[]} onChoose={(c) => (chosen = c)} />,
      ),
    );
    const select = dom.host.querySelector('select') as HTMLSelectElement;
    await act(async () => {
      Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')?.set?.call(select, 'europe');
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(chosen).toEqual(['kube:eu', 'kube:ap']);
    await act(async () => buttonIn(dom.host, 'Delete the saved fleet europe').click());
    expect(fake.sent('fleet.delete')).toEqual([{ name: 'europe' }]);
    expect(dom.host.querySelector('[role="status"]')?.textContent).toBe(
      'Deleted the saved fleet europe; its clusters stay ticked.',
    );
    expect(dom.host.querySelector('select')).toBeNull();
  });
});

describe('the fleet drift in words', () => {
  const view = (drift: FleetView['services'][0]['rows'][0]['drift']): FleetView => ({
    clusters: [{ contextId: 'kube:eu', reachable: true }],
    services: [
      {
        key: `bookinfo/${HOST}`,
        namespace: 'bookinfo',
        host: HOST,
        rows: [
          { contextId: 'kube:eu', present: true, versions: ['v1'], split: null, rules: [], drift: [] },
          { contextId: 'kube:us', present: true, versions: ['v1'], split: null, rules: [], drift },
        ],
      },
    ],
  });

  it('lists each differing cell’s sentence', async () => {
    await act(async () =>
      dom.root.render(
        <FleetDrift
          view={view([{ aspect: 'split', words: "kube:us: reviews's catch-all split is v1 50%, v2 50%" }])}
          host={HOST}
        />,
      ),
    );
    const items = [...dom.host.querySelectorAll('ul[aria-label="Drift across the fleet"] li')];
    expect(items.map((i) => i.textContent)).toEqual(["kube:us: reviews's catch-all split is v1 50%, v2 50%"]);
  });

  it('says so when no cluster differs', async () => {
    await act(async () => dom.root.render(<FleetDrift view={view([])} host={HOST} />));
    expect(dom.host.querySelector('[role="status"]')?.textContent).toBe(
      'No drift: every cluster has the same versions, split and content rules.',
    );
  });
});

describe('the Fleets screen opened from a draft’s “Apply to fleet…”', () => {
  it('shows the draft’s service across the fleet and reviews the draft as the change', async () => {
    const view: FleetView = {
      clusters: [{ contextId: 'kube:eu', reachable: true }],
      services: [
        {
          key: `bookinfo/${HOST}`,
          namespace: 'bookinfo',
          host: HOST,
          rows: [
            {
              contextId: 'kube:eu',
              present: true,
              versions: ['v1', 'v2'],
              split: [
                { version: 'v1', weight: 90 },
                { version: 'v2', weight: 10 },
              ],
              rules: [],
              drift: [],
            },
          ],
        },
      ],
    };
    const fake = fakeApi({ 'fleet.list': () => ok({ fleets: [] }), 'fleet.view': () => ok(view) });
    await act(async () =>
      dom.root.render(
        <FleetScreen
          api={fake.api}
          contexts={CONTEXTS}
          initialContexts={['kube:eu']}
          service={{
            namespace: 'bookinfo',
            host: HOST,
            draft: { id: 'reviews-abc', name: 'reviews 50/50', summary: 'v1 50%, v2 50%' },
          }}
        />,
      ),
    );
    expect(fake.sent('fleet.view')).toHaveLength(1);
    await act(async () => buttonIn(dom.host, 'Review a fleet change').click());
    const draft = [...dom.host.querySelectorAll('label')]
      .find((l) => l.textContent?.includes('Draft “reviews 50/50”: v1 50%, v2 50%'))
      ?.querySelector('input') as HTMLInputElement;
    expect(draft.checked).toBe(true);
  });
});
