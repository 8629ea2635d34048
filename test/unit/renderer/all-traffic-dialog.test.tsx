// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { AllTrafficDialog } from '../../../renderer/src/features/release/all-traffic-dialog.tsx';
import type { ReleaseView } from '../../../shared/api/console-schemas.ts';
import type { AllTrafficView } from '../../../shared/api/release-flow-schemas.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { fakeApi, ok, plan, releaseViewFixture } from './drafts-fixtures.ts';

const dom = freshDomHost();

const view: ReleaseView = {
  ...releaseViewFixture(
    { v1: 80, v2: 10, v3: 10 },
    {
      releaseId: 'istio:bookinfo/reviews',
      contextId: 'demo',
      namespace: 'bookinfo',
      host: 'reviews.bookinfo.svc.cluster.local',
      name: 'reviews',
    },
  ),
  rules: [
    { id: 'http:0', name: 'jason-on-v2', version: 'v2', enabled: true, conditions: null, matchYaml: '' },
    { id: 'http:1', name: 'canary-header', version: 'v3', enabled: true, conditions: null, matchYaml: '' },
  ],
};

const OUTCOME = { disable: 'disabled', retarget: 'retargeted', keep: 'kept' } as const;

function change(rules: keyof typeof OUTCOME, dryRunOk = true): AllTrafficView {
  return {
    purpose: 'switch',
    version: 'v1',
    rules: [
      { id: 'http:0', name: 'jason-on-v2', from: 'v2', outcome: OUTCOME[rules] },
      { id: 'http:1', name: 'canary-header', from: 'v3', outcome: OUTCOME[rules] },
    ],
    untouched: [],
    drained: rules === 'keep' ? [] : ['v2', 'v3'],
    mirrors: [],
    plan: { ...plan, steps: plan.steps.map((s) => ({ ...s, dryRun: { ok: dryRunOk, message: 'refused' } })) },
  };
}

const settle = () => act(async () => new Promise((r) => setTimeout(r, 0)));
const radio = (label: RegExp) =>
  [...dom.host.querySelectorAll('label')]
    .find((l) => label.test(l.textContent ?? ''))!
    .querySelector('input')!;

describe('the "Switch all traffic" confirmation', () => {
  it('lists what happens to each rule, and says plainly when kept rules still reach other versions', async () => {
    const fake = fakeApi({
      'release.allTraffic': (req: { rules: keyof typeof OUTCOME }) => ok(change(req.rules)),
    });
    const confirmed: AllTrafficView[] = [];
    await act(async () =>
      dom.root.render(
        <AllTrafficDialog
          api={fake.api}
          view={view}
          version="v1"
          kind="switch"
          onConfirm={(c) => confirmed.push(c)}
          onCancel={() => {}}
        />,
      ),
    );
    await settle();
    const text = () => dom.host.textContent ?? '';
    expect(text()).toContain('v1 goes from 80% to 100% of the split, v2 (now 10%), v3 (now 10%) to 0%');
    expect(text()).toContain('jason-on-v2 (v2): disabled');
    expect(text()).not.toContain('still reach');
    expect(fake.sent('release.allTraffic')).toEqual([
      {
        contextId: 'demo',
        releaseId: 'istio:bookinfo/reviews',
        version: 'v1',
        rules: 'disable',
        purpose: 'switch',
      },
    ]);

    await act(async () => radio(/Keep them/).click());
    await settle();
    expect(fake.sent('release.allTraffic').at(-1)?.rules).toBe('keep');
    expect(
      dom.host.querySelector('[aria-label="Requests that still reach other versions"]')?.textContent,
    ).toContain('jason-on-v2 still reach v2, canary-header still reach v3');
    await act(async () => buttonIn(dom.host, 'Switch to v1').click());
    expect(confirmed.map((c) => c.rules[0]?.outcome)).toEqual(['kept']);
  });

  it('cannot be confirmed while the change is unknown or its dry-run failed', async () => {
    const fake = fakeApi({ 'release.allTraffic': () => ok(change('disable', false)) });
    await act(async () =>
      dom.root.render(
        <AllTrafficDialog
          api={fake.api}
          view={view}
          version="v1"
          kind="rollback"
          onConfirm={() => {}}
          onCancel={() => {}}
        />,
      ),
    );
    await settle();
    expect(buttonIn(dom.host, 'Roll back to v1').disabled).toBe(true);
    expect(dom.host.textContent).toContain('the dry-run failed: refused');
  });
});
