// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { SplitEditor } from '../../../renderer/src/features/release/split-editor.tsx';
import { createReleaseStore, editKey } from '../../../renderer/src/stores/release-store.ts';
import type { ReleaseView } from '../../../shared/api/console-schemas.ts';
import { SPLIT_RULE, type VersionWeight } from '../../../shared/mesh/model/index.ts';
import { freshDomHost } from './dom-host.ts';
import { releaseViewFixture } from './drafts-fixtures.ts';

// A version that cannot take traffic (not declared, or no pods) gets no weight: the store leaves it
// out of every move, the slider is disabled and says why.

const quietApi = {
  on: () => () => {},
  call: async () => ({ ok: false, error: { code: 'unavailable', message: 'test' } }),
} as unknown as ApiClient;

const at = {
  releaseId: 'istio:shop/payment',
  contextId: 'demo',
  namespace: 'shop',
  host: 'payment.shop.svc.cluster.local',
  name: 'payment',
};

function view(weights: Record<string, number>, change: (v: ReleaseView) => void = () => {}): ReleaseView {
  const v = releaseViewFixture(weights, at);
  change(v);
  return v;
}

const v3Down = (v: ReleaseView) => {
  const v3 = v.versions.find((x) => x.name === 'v3');
  if (v3) Object.assign(v3, { podsReady: 0, podsTotal: 0 });
};
const v4Undeclared = (v: ReleaseView) => {
  const v4 = v.versions.find((x) => x.name === 'v4');
  if (v4) v4.declared = false;
};

describe('the release store with versions that cannot take traffic', () => {
  const key = editKey('demo', at.releaseId);

  it('marks them with the reason and never gives them weight', () => {
    const store = createReleaseStore(quietApi);
    store.getState().received(
      view({ v1: 90, v2: 10, v3: 0, v4: 0 }, (v) => {
        v3Down(v);
        v4Undeclared(v);
      }),
    );
    const split = () => store.getState().edits[key]?.split ?? [];
    expect(split().map((v) => v.blocked)).toEqual([
      undefined,
      undefined,
      'cannot take traffic: no pods are running',
      'cannot take traffic: not declared as a subset in the DestinationRule',
    ]);
    store.getState().move(key, 'v1', 40);
    expect(split().map((v) => v.weight)).toEqual([40, 60, 0, 0]);
    store.getState().move(key, 'v3', 25);
    expect(split().map((v) => v.weight)).toEqual([40, 60, 0, 0]);
    expect(store.getState().edits[key]?.notice).toBe(
      'v3 cannot take traffic: no pods are running: its weight can only go down',
    );
    store.getState().even(key);
    expect(split().map((v) => v.weight)).toEqual([50, 50, 0, 0]);
  });

  it('lifts the block when the version gets pods, keeping the unapplied edit', () => {
    const store = createReleaseStore(quietApi);
    store.getState().received(view({ v1: 90, v2: 10, v3: 0 }, v3Down));
    store.getState().move(key, 'v2', 30);
    store.getState().received(view({ v1: 90, v2: 10, v3: 0 }));
    const split = store.getState().edits[key]?.split ?? [];
    expect(split.map((v) => v.weight)).toEqual([70, 30, 0]);
    expect(split.every((v) => v.blocked === undefined)).toBe(true);
    store.getState().move(key, 'v3', 10);
    expect(store.getState().edits[key]?.split.find((v) => v.version === 'v3')?.weight).toBe(10);
  });
});

describe('the split editor', () => {
  const dom = freshDomHost();
  const noPods = 'cannot take traffic: no pods are running';

  function render(split: VersionWeight[], moves: Array<[string, number]>) {
    act(() =>
      dom.root.render(
        <SplitEditor
          split={split}
          editable
          color={() => '#123456'}
          onMove={(version, weight) => moves.push([version, weight])}
          onLock={() => {}}
          onEven={() => {}}
        />,
      ),
    );
  }
  const slider = (version: string) =>
    dom.host.querySelector(`[role="slider"][aria-label="Weight of ${version}"]`) as HTMLElement;
  const exact = (version: string) =>
    dom.host.querySelector(`input[aria-label="Exact weight of ${version}"]`) as HTMLInputElement;

  it('disables the slider of a version that cannot take traffic, with the reason under it', () => {
    const moves: Array<[string, number]> = [];
    render(
      [
        { version: 'v1', weight: 100 },
        { version: 'v3', weight: 0, blocked: noPods },
      ],
      moves,
    );
    const s3 = slider('v3');
    expect(s3.getAttribute('aria-disabled')).toBe('true');
    const reasonId = s3.getAttribute('aria-describedby');
    expect(reasonId).toBeTruthy();
    const reason = dom.host.querySelector(`#${reasonId}`);
    expect(reason?.textContent).toBe(`v3 ${noPods}.`);
    expect(exact('v3').disabled).toBe(true);
    expect(exact('v3').getAttribute('aria-describedby')).toBe(reasonId);
    act(() => s3.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })));
    expect(moves).toEqual([]);
    const s1 = slider('v1');
    expect(s1.getAttribute('aria-disabled')).toBeNull();
    expect(s1.getAttribute('aria-describedby')).toBeNull();
    act(() => s1.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true })));
    expect(moves).toEqual([['v1', 99]]);
  });

  it('lets a version that cannot take traffic but still holds weight be lowered, and says so', () => {
    const moves: Array<[string, number]> = [];
    render(
      [
        { version: 'v1', weight: 60, blocked: noPods },
        { version: 'v2', weight: 40 },
      ],
      moves,
    );
    expect(slider('v1').getAttribute('aria-disabled')).toBeNull();
    expect(dom.host.textContent).toContain('v1 cannot take traffic: no pods are running; it still holds 60%');
    act(() => slider('v1').dispatchEvent(new KeyboardEvent('keydown', { key: 'PageDown', bubbles: true })));
    expect(moves).toEqual([['v1', 50]]);
  });

  it('explains the redistribution rule in its help', () => {
    render([{ version: 'v1', weight: 100 }], []);
    const help = dom.host.querySelector('details.split-help');
    expect(help?.querySelector('summary')?.textContent).toBe('How the other weights move');
    expect(help?.textContent).toContain(SPLIT_RULE);
  });
});
