// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { DoneStep, RolloutStep } from '../../../renderer/src/features/wizard/wizard-steps.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createWizardStore, withProgress } from '../../../renderer/src/stores/wizard-store.ts';
import type { PlanView, RolloutPlanView } from '../../../shared/api/console-schemas.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { releaseViewFixture } from './drafts-fixtures.ts';

// The wizard on an HTTPRoute release: no subset step (the new version's Service, its endpoints and
// the backendRef at 0 instead), and after finalize the old Service is offered for deletion, reviewed.

const at = {
  releaseId: 'gateway-api:storefront/search',
  contextId: 'demo',
  namespace: 'storefront',
  host: 'search.storefront.svc.cluster.local',
  name: 'search',
};

function release(phase: RolloutPlanView['phase'], deleted = false): RolloutPlanView {
  return {
    id: 'storefront.search.v2',
    contextId: 'demo',
    releaseId: at.releaseId,
    namespace: 'storefront',
    stable: { version: 'search-v1', deployment: 'search-v1' },
    canary: { version: 'search-v2', deployment: 'search-v2', image: 'img:2', replicas: 2 },
    backendService: {
      service: 'search-v2',
      stableService: 'search-v1',
      endpointsReady: 'Service search-v2 created, endpoints ready (2 ready, from Pods)',
      stableServiceDeleted: deleted,
    },
    phase,
    running: true,
    changes: 3,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('the release wizard on a Gateway API route', () => {
  const dom = freshDomHost();

  it('says it creates the Service and waits for its endpoints, not a DestinationRule subset', () => {
    const wizard = createWizardStore({
      on: () => () => {},
      call: async () => ({ ok: true, value: {} }),
    } as unknown as ApiClient);
    act(() => dom.root.render(<RolloutStep release={release('adding-subset')} wizard={wizard} />));
    expect(dom.host.textContent).toContain(
      'Creating Service search-v2, waiting for its endpoints, then adding it to the route at weight 0',
    );
    expect(dom.host.textContent).not.toContain('DestinationRule');
  });

  it('takes the Service line of a progress event into the release it shows', () => {
    const { backendService: _b, ...before } = release('adding-subset');
    const b = release('ready').backendService!;
    const after = withProgress(before, {
      contextId: 'demo',
      id: before.id,
      releaseId: before.releaseId,
      phase: 'ready',
      running: true,
      backendService: b,
    });
    expect(after.backendService?.endpointsReady).toBe(
      'Service search-v2 created, endpoints ready (2 ready, from Pods)',
    );
    expect(
      withProgress(after, {
        contextId: 'demo',
        id: before.id,
        releaseId: before.releaseId,
        phase: 'routing',
        running: false,
      }).backendService,
    ).toEqual(b);
  });

  it('offers to delete the old Service after finalize through a reviewed plan, and says when it is gone', async () => {
    const calls: Array<{ name: string; req: unknown }> = [];
    const plan = { id: 'p1' } as unknown as PlanView;
    const api = {
      on: () => () => {},
      call: async (name: string, req: unknown) => {
        calls.push({ name, req });
        return { ok: true, value: plan };
      },
    } as unknown as ApiClient;
    const wizard = createWizardStore(api);
    wizard.getState().openFor('demo', at.releaseId, 'storefront.search.v2');
    const apply = createApplyStore(api, () => {});
    const opened: string[] = [];
    apply.setState({ openPlan: (_p: PlanView, title: string) => opened.push(title) } as never);
    const view = releaseViewFixture({ 'search-v2': 100 }, at);
    act(() =>
      dom.root.render(<DoneStep release={release('finalized')} view={view} wizard={wizard} apply={apply} />),
    );
    const group = dom.host.querySelector('fieldset[aria-label="Old version\'s Service"]');
    expect(group?.textContent).toContain('Service search-v1 no longer receives requests from the route');
    await act(async () => buttonIn(dom.host, 'Review deleting Service search-v1').click());
    expect(calls).toEqual([
      { name: 'rollout.deleteOldService', req: { contextId: 'demo', id: 'storefront.search.v2' } },
    ]);
    expect(opened).toEqual(['Delete Service search-v1']);

    act(() =>
      dom.root.render(
        <DoneStep release={release('finalized', true)} view={view} wizard={wizard} apply={apply} />,
      ),
    );
    expect(buttonIn(dom.host, 'Review deleting Service search-v1')).toBeUndefined();
    expect(dom.host.textContent).toContain('Service search-v1 of the old version was deleted.');
  });
});
