// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { HistoryPanel } from '../../../renderer/src/features/history/history-panel.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import type { HistoryEntryView } from '../../../shared/api/console-schemas.ts';
import { freshDomHost } from './dom-host.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

const dom = freshDomHost();

const entries: HistoryEntryView[] = [
  {
    id: 'h3',
    contextId: 'demo',
    user: 'demo-admin',
    time: '2026-01-02T10:02:00Z',
    summary: 'Undid “v3 10% → 100% (switch all traffic)”: v3 100% → 10%',
    undoable: true,
    undoOf: 'h2',
  },
  {
    id: 'h2',
    contextId: 'demo',
    user: 'demo-admin',
    time: '2026-01-02T10:01:00Z',
    summary: 'v3 10% → 100% (switch all traffic)',
    undoable: false,
    undoBlocked: 'Already undone on 2026-01-02T10:02:00Z by demo-admin.',
  },
  {
    id: 'h1',
    contextId: 'demo',
    user: 'demo-admin',
    time: '2026-01-02T10:00:00Z',
    summary: 'v2 10% → 20%, v1 90% → 80%',
    undoable: false,
    undoBlocked:
      'Cannot undo: VirtualService bookinfo/reviews changed since (resourceVersion 12 after this change, 15 now).',
    compared: [{ object: 'VirtualService bookinfo/reviews', recorded: '12', live: '15' }],
  },
];

describe('the history panel', () => {
  it('shows each change as an action, and a disabled Undo with its reason and the versions compared', async () => {
    const fake = fakeApi({ 'history.list': () => ok({ entries }) });
    const apply = createApplyStore(fake.api, () => {});
    await act(async () =>
      dom.root.render(<HistoryPanel api={fake.api} apply={apply} contextId="demo" title="History" />),
    );
    const items = [...dom.host.querySelectorAll('.history-list > li')];
    expect(items.map((li) => li.getAttribute('aria-label'))).toEqual(entries.map((e) => e.summary));
    const undoOf = (li: Element) => li.querySelector('button') as HTMLButtonElement;
    expect(undoOf(items[0]!).disabled).toBe(false);
    expect(undoOf(items[0]!).getAttribute('aria-describedby')).toBeNull();
    for (const li of items.slice(1)) {
      const button = undoOf(li);
      expect(button.textContent).toBe('Undo');
      expect(button.disabled).toBe(true);
      const reason = dom.host.querySelector(`[id="${button.getAttribute('aria-describedby')}"]`);
      expect(reason?.textContent).toContain(
        entries.find((e) => li.getAttribute('aria-label') === e.summary)?.undoBlocked,
      );
    }
    const compared = items[2]?.querySelector('ul[aria-label="Versions compared"]');
    expect(compared?.textContent).toBe(
      'VirtualService bookinfo/reviews: resourceVersion 12 after this change, 15 now',
    );
  });

  it('reads the history again when the service changes in the cluster', async () => {
    const fake = fakeApi({ 'history.list': () => ok({ entries: [] }) });
    const apply = createApplyStore(fake.api, () => {});
    await act(async () =>
      dom.root.render(
        <HistoryPanel api={fake.api} apply={apply} contextId="demo" releaseId="istio:x/y" title="History" />,
      ),
    );
    const before = fake.sent('history.list').length;
    await act(async () => fake.emit('release.changed', { contextId: 'demo', releaseId: 'istio:other/z' }));
    await act(async () => fake.emit('release.changed', { contextId: 'demo', releaseId: 'istio:x/y' }));
    await act(async () => new Promise((r) => setTimeout(r, 600)));
    expect(fake.sent('history.list').length).toBe(before + 1);
  });
});
