// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { MirrorStickyControls } from '../../../renderer/src/features/release/mirror-sticky-controls.tsx';
import type { MirrorStickyEdit } from '../../../renderer/src/stores/mirror-sticky-edit.ts';
import {
  createReleaseStore,
  desiredInput,
  editChanged,
  editKey,
} from '../../../renderer/src/stores/release-store.ts';
import type { ReleaseView } from '../../../shared/api/console-schemas.ts';
import { freshDomHost } from './dom-host.ts';
import { releaseViewFixture } from './drafts-fixtures.ts';

const dom = freshDomHost();
const at = {
  releaseId: 'istio:shop/payment',
  contextId: 'demo',
  namespace: 'shop',
  host: 'payment.shop.svc.cluster.local',
  name: 'payment',
};
const quietApi = {
  on: () => () => {},
  call: async () => ({ ok: false, error: { code: 'unavailable', message: 'test' } }),
} as unknown as ApiClient;

const type = (el: HTMLInputElement, value: string) => {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
};
const byLabel = <T extends Element>(label: string) => dom.host.querySelector(`[aria-label="${label}"]`) as T;
const checkbox = (text: RegExp) =>
  [...dom.host.querySelectorAll('label')]
    .find((l) => text.test(l.textContent ?? ''))!
    .querySelector('input') as HTMLInputElement;

/** Renders the controls around a release store, as the policy editor does. */
function mount(view: ReleaseView) {
  const store = createReleaseStore(quietApi);
  store.getState().received(view);
  const key = editKey('demo', at.releaseId);
  const render = () =>
    dom.root.render(
      <MirrorStickyControls
        view={view}
        extras={store.getState().edits[key]?.extras}
        editable
        onChange={(extras: MirrorStickyEdit | undefined) => {
          store.getState().edit(key, () => ({ extras }));
          render();
        }}
      />,
    );
  act(render);
  return () => store.getState().edits[key]!;
}

describe('Mirror traffic and sticky controls', () => {
  it('turns a mirror on for the canary, with a named spinbutton carrying its value, and sends it in the plan', async () => {
    const edit = mount(releaseViewFixture({ v1: 100, v2: 0 }, at));
    const mirror = checkbox(/Mirror traffic/);
    expect(mirror.checked).toBe(false);
    await act(async () => mirror.click());
    const percent = byLabel<HTMLInputElement>('Mirrored share of requests (%)');
    expect(percent.type).toBe('number'); // role spinbutton
    expect(percent.getAttribute('aria-valuenow')).toBe('10');
    expect(byLabel<HTMLSelectElement>('Mirror to version').value).toBe('v2');
    await act(async () => type(percent, '20'));
    expect(byLabel<HTMLInputElement>('Mirrored share of requests (%)').getAttribute('aria-valuenow')).toBe(
      '20',
    );
    expect(editChanged(edit())).toBe(true);
    expect(desiredInput(edit()).mirror).toEqual({ version: 'v2', percentage: 20 });
    await act(async () => checkbox(/Mirror traffic/).click());
    expect(editChanged(edit())).toBe(false);
    expect(desiredInput(edit()).mirror).toBeUndefined();
  });

  it('turning off a mirror the cluster has sends null', async () => {
    const view = releaseViewFixture({ v1: 100, v2: 0 }, at);
    view.mirror = { version: 'v2', percentage: 12.5 };
    const edit = mount(view);
    expect(byLabel<HTMLInputElement>('Mirrored share of requests (%)').value).toBe('12.5');
    await act(async () => checkbox(/Mirror traffic/).click());
    expect(desiredInput(edit()).mirror).toBeNull();
  });

  it('explains sticky sessions and why a consistent hash is not used, and sends the option', async () => {
    const edit = mount(releaseViewFixture({ v1: 90, v2: 10 }, at));
    const sticky = checkbox(/Keep each user on their version \(sticky\)/);
    const help = dom.host.querySelector(`#${CSS.escape(sticky.getAttribute('aria-describedby')!)}`);
    expect(help?.textContent).toMatch(/consistent hash is not used/);
    expect(help?.textContent).toMatch(/gets 0%/);
    await act(async () => sticky.click());
    expect(desiredInput(edit()).sticky).toEqual({ enabled: true });
    const hours = byLabel<HTMLInputElement>('Keep users on their version for (hours)');
    expect(hours.getAttribute('aria-valuenow')).toBe('24');
    await act(async () => type(hours, '2'));
    expect(desiredInput(edit()).sticky).toEqual({ enabled: true, maxAgeSeconds: 7200 });
  });

  it('adds a new rule before the sticky rules, where the planner puts it', () => {
    const view = releaseViewFixture({ v1: 90, v2: 10 }, at);
    const rule = (id: string, name: string, version: string) => ({
      id,
      name,
      version,
      enabled: true,
      conditions: null,
      matchYaml: '',
    });
    view.rules = [
      rule('http:0', 'beta', 'v2'),
      rule('http:1', 'sy-sticky-v1', 'v1'),
      rule('http:2', 'sy-sticky-v2', 'v2'),
    ];
    view.sticky = { cookie: 'sy-version', maxAgeSeconds: 86400, versions: ['v1', 'v2'] };
    const store = createReleaseStore(quietApi);
    store.getState().received(view);
    const key = editKey('demo', at.releaseId);
    store.getState().addRule(key, 'v2');
    expect(store.getState().edits[key]!.rules.map((r) => r.name ?? r.id ?? 'new')).toEqual([
      'beta',
      'new',
      'sy-sticky-v1',
      'sy-sticky-v2',
    ]);
  });
});

describe('a mirror-only edit and the views that follow', () => {
  it('keeps the edit through a view that has not got the mirror yet, and lets go once the view has it', () => {
    const view = releaseViewFixture({ v1: 100, v2: 0 }, at);
    const store = createReleaseStore(quietApi);
    store.getState().received(view);
    const key = editKey('demo', at.releaseId);
    store.getState().edit(key, () => ({ extras: { mirror: { version: 'v2', percentage: 10 } } }));
    expect(editChanged(store.getState().edits[key])).toBe(true);
    // A new view with the same split and rules (pods or traffic changed): the edit is not landed.
    store.getState().received(structuredClone(view));
    expect(editChanged(store.getState().edits[key])).toBe(true);
    expect(desiredInput(store.getState().edits[key]!).mirror).toEqual({ version: 'v2', percentage: 10 });
    expect(store.getState().edits[key]!.confirmed).toBe(false);
    // The cluster now has the mirror: the edit has landed.
    const applied = structuredClone(view);
    applied.mirror = { version: 'v2', percentage: 10 };
    store.getState().received(applied);
    expect(editChanged(store.getState().edits[key])).toBe(false);
    expect(store.getState().edits[key]!.confirmed).toBe(true);
  });
});
