// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { FleetReviewDialog } from '../../../renderer/src/features/fleet/fleet-review-dialog.tsx';
import type { FleetPlanView, FleetRunView } from '../../../shared/api/fleet-schemas.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

const dom = freshDomHost();
const HOST = 'reviews.bookinfo.svc.cluster.local';
const CONTEXTS = ['kube:eu', 'kube:us', 'kube:ap'];

const step = (ok: boolean) => ({
  id: 's1',
  description: 'Set the catch-all weights of VirtualService reviews',
  target: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
  beforeYaml: 'weight: 80\n',
  afterYaml: 'weight: 100\n',
  dryRun: ok ? { ok: true } : { ok: false, message: 'admission webhook said no' },
});
const planOf = (dryRunOk = true) =>
  ({
    fleetPlanId: 'fp-1',
    namespace: 'bookinfo',
    host: HOST,
    change: 'cut-over to v1',
    canary: 'kube:us',
    maxParallel: 1,
    holdSeconds: 5,
    gate: true,
    waves: [['kube:us'], ['kube:eu']],
    clusters: [
      {
        contextId: 'kube:eu',
        wave: 2,
        plan: { planId: 'p-eu', summary: 'cut-over', steps: [step(true)], lint: [] },
      },
      {
        contextId: 'kube:us',
        wave: 1,
        plan: { planId: 'p-us', summary: 'cut-over', steps: [step(dryRunOk)], lint: [] },
      },
      { contextId: 'kube:ap', skipped: { kind: 'unreachable', reason: 'connect ECONNREFUSED 127.0.0.1:1' } },
    ],
  }) as unknown as FleetPlanView;

const runOf = (state: FleetRunView['state'], extra: Partial<FleetRunView> = {}): FleetRunView => ({
  runId: 'run-1',
  namespace: 'bookinfo',
  host: HOST,
  change: 'cut-over to v1',
  state,
  waves: [['kube:us'], ['kube:eu']],
  wavesApplied: 0,
  gates: [],
  clusters: [
    { contextId: 'kube:us', state: 'pending', wave: 1 },
    { contextId: 'kube:eu', state: 'pending', wave: 2 },
    { contextId: 'kube:ap', state: 'skipped', message: 'unreachable' },
  ],
  startedAt: 1,
  ...extra,
});

async function setValue(el: HTMLInputElement | HTMLSelectElement, value: string) {
  await act(async () => {
    const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  });
}
const labelled = (text: string) =>
  [...dom.host.querySelectorAll('label')]
    .find((l) => l.textContent?.includes(text))
    ?.querySelector('input, select') as HTMLInputElement | HTMLSelectElement;
const click = (name: string) => act(async () => buttonIn(dom.host, name).click());

function render(
  fake: ReturnType<typeof fakeApi>,
  split?: Array<{ version: string; weight: number }>,
  draft?: { id: string; name: string; summary: string },
) {
  return act(async () =>
    dom.root.render(
      <FleetReviewDialog
        api={fake.api}
        contexts={CONTEXTS}
        target={{
          namespace: 'bookinfo',
          host: HOST,
          versions: ['v1', 'v2', 'v3'],
          ...(split ? { split } : {}),
          ...(draft ? { draft } : {}),
        }}
        onClose={() => {}}
      />,
    ),
  );
}

describe('the fleet review dialog', () => {
  it('is a dialog; plans the slider’s split with the canary, the limit, the hold and the gate', async () => {
    const fake = fakeApi({ 'fleet.plan': () => ok(planOf()) });
    await render(fake, [
      { version: 'v1', weight: 60 },
      { version: 'v2', weight: 40 },
    ]);
    const dialog = dom.host.querySelector('[role="dialog"]');
    expect(dialog?.getAttribute('aria-labelledby')).toBe('fleet-review-title');
    expect(dom.host.querySelector('#fleet-review-title')?.textContent).toBe('Review a fleet change');
    await setValue(labelled('Canary cluster'), 'kube:us');
    await setValue(labelled('Clusters changed at once'), '2');
    await setValue(labelled('Hold between waves'), '5');
    await click('Plan for every cluster');
    expect(fake.sent('fleet.plan')).toEqual([
      {
        contexts: CONTEXTS,
        namespace: 'bookinfo',
        host: HOST,
        change: {
          kind: 'split',
          split: [
            { version: 'v1', weight: 60 },
            { version: 'v2', weight: 40 },
          ],
        },
        canary: 'kube:us',
        maxParallel: 2,
        holdSeconds: 5,
        gate: true,
      },
    ]);
  });

  it('opened from a draft’s “Apply to fleet…”, plans the draft as the change', async () => {
    const fake = fakeApi({ 'fleet.plan': () => ok(planOf()) });
    await render(fake, undefined, { id: 'reviews-abc', name: 'reviews 50/50', summary: 'v1 50%, v2 50%' });
    const radio = labelled('Draft “reviews 50/50”') as HTMLInputElement;
    expect(radio.type).toBe('radio');
    expect(radio.checked).toBe(true);
    await click('Plan for every cluster');
    expect(fake.sent('fleet.plan').map((r) => (r as { change: unknown }).change)).toEqual([
      { kind: 'draft', draftId: 'reviews-abc' },
    ]);
  });

  it('refuses a bad choice with its reason and plans nothing', async () => {
    const fake = fakeApi({ 'fleet.plan': () => ok(planOf()) });
    await render(fake);
    await setValue(labelled('Clusters changed at once'), '9');
    await click('Plan for every cluster');
    expect(fake.sent('fleet.plan')).toEqual([]);
    expect(dom.host.querySelector('[role="alert"]')?.textContent).toBe(
      'clusters changed at once must be a whole number from 1 to 3, not 9',
    );
  });

  it('shows the waves, each cluster’s diff and dry-run and the skipped one with its reason; applies in waves', async () => {
    const fake = fakeApi({ 'fleet.plan': () => ok(planOf()), 'fleet.apply': () => ok(runOf('running')) });
    await render(fake);
    await setValue(labelled('Version to cut over to'), 'v1');
    await click('Plan for every cluster');
    expect(fake.sent('fleet.plan')[0]?.change).toEqual({ kind: 'cutover', version: 'v1' });
    const waves = [...dom.host.querySelectorAll('ol[aria-label="Waves"] li')].map((l) => l.textContent);
    expect(waves).toEqual(['Wave 1 (canary): kube:us', 'Wave 2: kube:eu']);
    const ap = dom.host.querySelector('li[aria-label="kube:ap"]');
    expect(ap?.textContent).toContain('Skipped (unreachable): connect ECONNREFUSED 127.0.0.1:1');
    const us = dom.host.querySelector('ol[aria-label="Steps in kube:us"]');
    expect(us?.textContent).toContain('dry-run passed');
    expect(us?.querySelector('[aria-label="Diff of VirtualService reviews in kube:us"]')).not.toBeNull();
    await click('Apply in waves');
    expect(fake.sent('fleet.apply')).toEqual([{ fleetPlanId: 'fp-1' }]);
    expect(dom.host.querySelector('table[aria-label="Clusters of the fleet run"]')).not.toBeNull();
  });

  it('does not offer to apply when a cluster’s dry-run failed', async () => {
    const fake = fakeApi({ 'fleet.plan': () => ok(planOf(false)) });
    await render(fake);
    await click('Plan for every cluster');
    expect(dom.host.textContent).toContain('dry-run failed: admission webhook said no');
    expect(buttonIn(dom.host, 'Apply in waves').disabled).toBe(true);
  });

  it('follows the run’s progress, and after a failure offers roll back all or keep', async () => {
    const fake = fakeApi({
      'fleet.plan': () => ok(planOf()),
      'fleet.apply': () => ok(runOf('running')),
      'fleet.get': () => ok(runOf('running')),
      'fleet.rollbackAll': () => ok(runOf('rolling-back')),
    });
    await render(fake);
    await click('Plan for every cluster');
    await click('Apply in waves');
    expect(buttonIn(dom.host, 'Close').disabled).toBe(true);
    await act(async () =>
      fake.emit(
        'fleet.progress',
        runOf('stopped', {
          wavesApplied: 1,
          stopReason: 'kube:eu failed: the VirtualService changed meanwhile',
          clusters: [
            { contextId: 'kube:us', state: 'applied', wave: 1 },
            { contextId: 'kube:eu', state: 'failed', wave: 2, message: 'conflict' },
            { contextId: 'kube:ap', state: 'skipped' },
          ],
        }),
      ),
    );
    expect(dom.host.querySelector('[role="status"]')?.textContent).toBe(
      'Stopped after 1 of 2 waves applied: kube:eu failed: the VirtualService changed meanwhile. Roll back all or keep the changed clusters.',
    );
    const rows = [...dom.host.querySelectorAll('table[aria-label="Clusters of the fleet run"] tbody tr')];
    expect(rows.map((r) => r.textContent)).toEqual([
      'kube:us1applied',
      'kube:eu2failedconflict',
      'kube:ap—skipped',
    ]);
    expect(buttonIn(dom.host, 'Keep the changed clusters')).toBeDefined();
    await click('Roll back all');
    expect(fake.sent('fleet.rollbackAll')).toEqual([{ runId: 'run-1' }]);
    expect(dom.host.querySelector('[role="status"]')?.textContent).toBe(
      'Rolling back every changed cluster…',
    );
    await act(async () => fake.emit('fleet.progress', runOf('rolled-back')));
    expect(buttonIn(dom.host, 'Close').disabled).toBe(false);
  });

  it('keeps the newer state when a stop’s event comes before its answer', async () => {
    const stopped = runOf('stopped', { wavesApplied: 1, stopReason: 'stopped by the operator' });
    const fake = fakeApi({
      'fleet.plan': () => ok(planOf()),
      'fleet.apply': () => ok(runOf('holding', { wavesApplied: 1, holdEndsAt: Date.now() + 60_000 })),
      'fleet.get': () => ok(runOf('holding', { wavesApplied: 1, holdEndsAt: Date.now() + 60_000 })),
      'fleet.stop': () => {
        // main's loop wakes and sends 'stopped' before the call's answer (still 'holding') is read.
        fake.emit('fleet.progress', stopped);
        return ok(runOf('holding', { wavesApplied: 1 }));
      },
    });
    await render(fake);
    await click('Plan for every cluster');
    await click('Apply in waves');
    await click('Stop the waves');
    expect(fake.sent('fleet.stop')).toEqual([{ runId: 'run-1' }]);
    expect(dom.host.querySelector('[role="status"]')?.textContent).toBe(
      'Stopped after 1 of 2 waves applied: stopped by the operator. Roll back all or keep the changed clusters.',
    );
  });
});
