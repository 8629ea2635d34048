// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { DraftsPanel } from '../../../renderer/src/features/drafts/drafts-panel.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createClustersStore } from '../../../renderer/src/stores/clusters-store.ts';
import { createDraftsStore } from '../../../renderer/src/stores/drafts-store.ts';
import { createReleaseStore } from '../../../renderer/src/stores/release-store.ts';
import type { DraftSummary, DraftView } from '../../../shared/api/draft-schemas.ts';
import { freshDomHost } from './dom-host.ts';
import { draftView, fakeApi, ok } from './drafts-fixtures.ts';

const dom = freshDomHost();

const summaryOf = ({ release: _r, baseRelease: _b, diff: _d, ...s }: DraftView) => s;
const byLabel = <T extends Element>(label: string) => dom.host.querySelector(`[aria-label="${label}"]`) as T;
const type = (el: HTMLInputElement | HTMLTextAreaElement, value: string) => {
  const proto =
    el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
};

async function mounted(onApplyToFleet?: (d: DraftSummary) => void) {
  let name = 'Canary d1';
  const fake = fakeApi({
    'drafts.list': () =>
      ok({
        drafts: [
          summaryOf(draftView('d1', { v1: 90, v2: 10 }, { name, applied: { at: '2025-01-02T10:00:00Z' } })),
        ],
        problems: [{ file: 'd9.json', setAsideAs: 'd9.json.corrupt', reason: 'not valid JSON' }],
      }),
    'drafts.update': (r: { id: string; name?: string }) => {
      name = r.name ?? name;
      return ok(draftView(r.id, { v1: 90, v2: 10 }, { name }));
    },
    'drafts.import': (r: { contextId: string }) =>
      ok(draftView('d2', { v1: 100 }, { contextId: r.contextId })),
    // No cluster at all: every session call fails.
    'contexts.list': () =>
      ok({
        contexts: [
          {
            id: 'demo',
            name: 'Demo mesh',
            cluster: 'demo',
            user: 'admin',
            source: 'demo',
            isDemo: true,
            status: 'not-connected',
          },
        ],
        problems: [],
      }),
  });
  const releases = createReleaseStore(fake.api);
  const apply = createApplyStore(fake.api, () => {});
  const drafts = createDraftsStore(fake.api, { releases, apply });
  const clusters = createClustersStore({ ...fake.api, transport: { onStatus: () => () => {} } } as never);
  await clusters.getState().load();
  await drafts.getState().load();
  await act(async () =>
    dom.root.render(
      <DraftsPanel drafts={drafts} clusters={clusters} {...(onApplyToFleet ? { onApplyToFleet } : {})} />,
    ),
  );
  return { ...fake, drafts };
}

describe('the Drafts panel', () => {
  it('lists each draft with its service, context, base, and an Applied chip, with no connection', async () => {
    await mounted();
    const item = byLabel<HTMLLIElement>('Canary d1');
    expect(item.tagName).toBe('LI');
    expect(item.textContent).toContain('reviews.bookinfo.svc.cluster.local');
    expect(item.textContent).toContain('Demo mesh');
    expect(item.textContent).toMatch(/based on live cluster of \d+ days ago/);
    expect(item.querySelector('.chip-ok')?.textContent).toBe('Applied');
    for (const action of ['Open', 'Rename', 'Duplicate', 'Delete', 'Apply'])
      expect(byLabel<HTMLButtonElement>(`${action} Canary d1`)?.tagName).toBe('BUTTON');
    expect(dom.host.querySelector('[role="alert"]')?.textContent).toContain('d9.json.corrupt');
  });

  it('offers “Apply to fleet…” on each draft, handing the draft to the Fleets screen', async () => {
    const asked: DraftSummary[] = [];
    await mounted((d) => asked.push(d));
    const button = byLabel<HTMLButtonElement>('Apply Canary d1 to a fleet');
    expect(button.tagName).toBe('BUTTON');
    expect(button.textContent).toBe('Apply to fleet…');
    await act(async () => button.click());
    expect(asked.map((d) => [d.id, d.namespace, d.host])).toEqual([
      ['d1', 'bookinfo', 'reviews.bookinfo.svc.cluster.local'],
    ]);
  });

  it('renames a draft inline', async () => {
    const t = await mounted();
    await act(async () => byLabel<HTMLButtonElement>('Rename Canary d1').click());
    await act(async () => type(byLabel<HTMLInputElement>('Draft name'), 'Friday canary'));
    const save = [...dom.host.querySelectorAll('button')].find((b) => b.textContent === 'Save');
    await act(async () => save?.click());
    expect(t.sent('drafts.update')).toEqual([{ id: 'd1', name: 'Friday canary' }]);
    expect(byLabel<HTMLLIElement>('Friday canary')).not.toBeNull();
    expect(byLabel('Draft name')).toBeNull();
  });

  it('imports pasted YAML into a draft for the chosen context and opens it', async () => {
    const t = await mounted();
    const importButton = [...dom.host.querySelectorAll('button')].find(
      (b) => b.textContent === 'Import YAML',
    );
    await act(async () => importButton?.click());
    const create = () =>
      [...dom.host.querySelectorAll('button')].find((b) => b.textContent === 'Create draft from YAML');
    await act(async () => create()?.click());
    expect(dom.host.querySelector('form [role="alert"]')?.textContent).toContain('namespace');
    expect(t.sent('drafts.import')).toEqual([]);
    await act(async () => type(byLabel<HTMLInputElement>('Namespace'), 'bookinfo'));
    await act(async () => type(byLabel<HTMLTextAreaElement>('YAML'), 'kind: VirtualService\n'));
    await act(async () => create()?.click());
    expect(t.sent('drafts.import')).toEqual([
      {
        contextId: 'demo',
        namespace: 'bookinfo',
        files: [{ name: 'pasted.yaml', text: 'kind: VirtualService\n' }],
      },
    ]);
    expect(t.drafts.getState().open?.view.id).toBe('d2');
  });
});
