// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { AllTrafficDialog } from '../../../renderer/src/features/release/all-traffic-dialog.tsx';
import { metricsStoreFor } from '../../../renderer/src/stores/metrics-store.ts';
import type { ReleaseView } from '../../../shared/api/console-schemas.ts';
import type { MetricsSnapshot } from '../../../shared/api/metrics-schemas.ts';
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

describe('the confirmation shows shares and stops on a version judged worse', () => {
  const worseSnapshot: MetricsSnapshot = {
    contextId: 'demo',
    releaseId: 'istio:bookinfo/reviews',
    mode: 'replace',
    state: 'live',
    source: { kind: 'service', description: 'demo' },
    intervalMs: 5000,
    windowSeconds: 900,
    stepSeconds: 15,
    count4xxAsErrors: false,
    stable: 'v1',
    canaries: ['v3'],
    series: [],
    latest: [
      { version: 'v1', rps: 8, successRate: 99.9, p50: 5, p95: 20, p99: 30, requests: 4000 },
      { version: 'v3', rps: 2, successRate: 97.9, p50: 5, p95: 40, p99: 60, requests: 1000 },
    ],
    verdicts: [
      {
        status: 'worse',
        canary: 'v3',
        baseline: 'v1',
        windowSeconds: 300,
        canaryRequests: 1000,
        baselineRequests: 4000,
        findings: [
          {
            metric: 'success-rate',
            canary: 97.9,
            baseline: 99.9,
            worse: true,
            text: 'success rate 97.9% against 99.9% on v1',
          },
        ],
        summary: 'v3 fails more often than v1.',
      },
    ],
    queries: 2,
    updatedAt: 0,
  };

  it('needs an explicit "anyway" before moving all traffic to v3, and shows before/after shares', async () => {
    const fake = fakeApi({
      'release.allTraffic': () =>
        ok({
          ...change('disable'),
          version: 'v3',
          traffic: {
            basis: 'estimated from 4 requests',
            before: [
              { version: 'v1', share: 0.8 },
              { version: 'v3', share: 0.2 },
            ],
            after: [{ version: 'v3', share: 1 }],
          },
        }),
    });
    metricsStoreFor(fake.api).setState({ snapshot: worseSnapshot });
    await act(async () =>
      dom.root.render(
        <AllTrafficDialog
          api={fake.api}
          view={view}
          version="v3"
          kind="switch"
          onConfirm={() => {}}
          onCancel={() => {}}
        />,
      ),
    );
    await settle();
    const confirm = buttonIn(dom.host, 'Switch to v3');
    expect(dom.host.textContent).toContain('v3 is judged worse');
    expect(dom.host.textContent).toContain('success rate 97.9% against 99.9% on v1');
    expect(confirm.disabled).toBe(true);
    const table = dom.host.querySelector('table[aria-label="Share of requests before and after"]')!;
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => tr.textContent);
    expect(rows).toEqual(['v180%80%0%', 'v320%20%100%']);
    await act(async () => radio(/anyway/).click());
    expect(confirm.disabled).toBe(false);
  });
});
