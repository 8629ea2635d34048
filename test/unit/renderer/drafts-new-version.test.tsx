// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { DraftEditor } from '../../../renderer/src/features/drafts/draft-editor.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createClustersStore } from '../../../renderer/src/stores/clusters-store.ts';
import { createDraftsStore } from '../../../renderer/src/stores/drafts-store.ts';
import { createReleaseStore } from '../../../renderer/src/stores/release-store.ts';
import type { CallRequest } from '../../../shared/api/contract.ts';
import type { DraftView } from '../../../shared/api/draft-schemas.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { draftRelease, draftView, fakeApi, ok } from './drafts-fixtures.ts';

const dom = freshDomHost();

const region = () => dom.host.querySelector('section[aria-label="New version"]') as HTMLElement;
const inRegion = <T extends Element>(label: string) => region().querySelector(`[aria-label="${label}"]`) as T;
const button = (name: string) => buttonIn(dom.host, name);
const type = (el: HTMLInputElement, value: string) => {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
};
const select = (el: HTMLSelectElement, value: string) => {
  Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('change', { bubbles: true }));
};

const withV3: DraftView = draftView(
  'd1',
  { v1: 90, v2: 10, v3: 0 },
  {
    baseRelease: draftRelease('d1', { v1: 90, v2: 10 }),
    summary: 'v1 90%, v2 10%; adds v3',
    newVersion: {
      version: 'v3',
      image: 'registry.example/reviews:3.0.0',
      fromVersion: 'v2',
      deployment: 'reviews-v3',
    },
  },
);

async function mounted() {
  const fake = fakeApi({
    'drafts.get': (r: { id: string }) => ok(draftView(r.id, { v1: 90, v2: 10 })),
    'drafts.update': (r: CallRequest<'drafts.update'>) => {
      if (r.newVersion?.version === 'v_3')
        return {
          ok: false,
          error: { code: 'invalid-request', message: "new version 'v_3' must be a DNS label" },
        };
      return ok(r.newVersion ? withV3 : draftView('d1', { v1: 90, v2: 10 }));
    },
  });
  const releases = createReleaseStore(fake.api);
  const apply = createApplyStore(fake.api, () => {});
  const drafts = createDraftsStore(fake.api, { releases, apply });
  const clusters = createClustersStore({ ...fake.api, transport: { onStatus: () => () => {} } } as never);
  await drafts.getState().openDraft('d1');
  await act(async () =>
    dom.root.render(<DraftEditor drafts={drafts} releases={releases} clusters={clusters} />),
  );
  return fake;
}

describe('a new version in draft mode', () => {
  it('adds a copy of the chosen version to the draft, explaining the 0% rule, and shows it in the split', async () => {
    const t = await mounted();
    expect(inRegion('New versions start at 0%').textContent).toContain('apply with it at 0%');
    const from = inRegion<HTMLSelectElement>('Copy from');
    expect([...from.options].map((o) => o.value)).toEqual(['v1', 'v2']);
    expect(from.value).toBe('v1');
    expect(button('Add version to draft').disabled).toBe(true);

    await act(async () => {
      type(inRegion('Version'), 'v3');
      type(inRegion('Image'), ' registry.example/reviews:3.0.0 ');
      select(from, 'v2');
    });
    await act(async () => button('Add version to draft').click());
    expect(t.sent('drafts.update')).toEqual([
      {
        id: 'd1',
        desired: {
          split: [
            { version: 'v1', weight: 90 },
            { version: 'v2', weight: 10 },
          ],
          rules: [],
        },
        notes: '',
        newVersion: { version: 'v3', image: 'registry.example/reviews:3.0.0', fromVersion: 'v2' },
      },
    ]);
    expect(region().textContent).toContain('a copy of v2’s Deployment as reviews-v3');
    expect(region().querySelector('form')).toBeNull();
    const split = dom.host.querySelector('section[aria-label="Traffic split"]');
    expect(split?.querySelector('[aria-label="Exact weight of v3"]')).not.toBeNull();

    await act(async () => button('Remove new version').click());
    expect(t.sent('drafts.update')[1]?.newVersion).toBeNull();
    expect(button('Add version to draft')).toBeDefined();
  });

  it('says a taken name before sending, and shows main’s refusal of a bad one', async () => {
    const t = await mounted();
    await act(async () => {
      type(inRegion('Version'), 'v2');
      type(inRegion('Image'), 'img:1');
    });
    expect(region().textContent).toContain('v2 already exists');
    expect(button('Add version to draft').disabled).toBe(true);

    await act(async () => type(inRegion('Version'), 'v_3'));
    await act(async () => button('Add version to draft').click());
    expect(t.sent('drafts.update')).toHaveLength(1);
    expect(dom.host.querySelector('[role="alert"]')?.textContent).toBe(
      "new version 'v_3' must be a DNS label",
    );
    expect(inRegion<HTMLInputElement>('Version').value).toBe('v_3');
  });
});
