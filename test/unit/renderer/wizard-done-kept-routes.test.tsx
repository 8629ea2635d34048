// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { DoneStep } from '../../../renderer/src/features/wizard/wizard-steps.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createWizardStore } from '../../../renderer/src/stores/wizard-store.ts';
import type { ReleaseView, RolloutPlanView } from '../../../shared/api/console-schemas.ts';
import { freshDomHost } from './dom-host.ts';
import { releaseViewFixture } from './drafts-fixtures.ts';

// The wizard's last words say what the cluster has: a matched route the console does not edit
// (beta testers split v2/v3) keeps sending requests to its versions whatever the release did.

const at = {
  releaseId: 'istio:bookinfo/reviews',
  contextId: 'demo',
  namespace: 'bookinfo',
  host: 'reviews.bookinfo.svc.cluster.local',
  name: 'reviews',
};

const release = (phase: RolloutPlanView['phase']): RolloutPlanView => ({
  id: 'bookinfo.reviews.v3',
  contextId: 'demo',
  releaseId: at.releaseId,
  namespace: 'bookinfo',
  stable: { version: 'v2', deployment: 'reviews-v2' },
  canary: { version: 'v3', deployment: 'reviews-v3', image: 'img:3', replicas: 1 },
  phase,
  running: false,
  changes: 4,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...(phase === 'finalized' ? { finalizeMode: 'scale-to-zero' as const } : {}),
});

describe('the release wizard when a route it does not edit still sends requests', () => {
  const dom = freshDomHost();
  const api = { on: () => () => {}, call: async () => ({ ok: true, value: {} }) } as unknown as ApiClient;
  const render = (phase: RolloutPlanView['phase'], view: ReleaseView) =>
    act(() =>
      dom.root.render(
        <DoneStep
          release={release(phase)}
          view={view}
          wizard={createWizardStore(api)}
          apply={createApplyStore(api, () => {})}
        />,
      ),
    );
  const kept: ReleaseView = {
    ...releaseViewFixture({ v2: 0, v3: 100 }, at),
    keptRoutes: [{ name: 'beta', pointer: '/spec/http/0', versions: ['v2', 'v3'] }],
  };

  it('does not say the new version takes all traffic', () => {
    render('finalized', kept);
    const status = dom.host.querySelector('[role="status"]')?.textContent;
    expect(status).toBe(
      'v3 is released: it takes all of the split, but route beta (not edited here) still sends requests to v2, and v2 was scaled to zero.',
    );
  });

  it('does not say all traffic is back on the stable version after an abort', () => {
    render('aborted', { ...kept, keptRoutes: [{ pointer: '/spec/http/0', versions: ['v3'] }] });
    expect(dom.host.querySelector('[role="status"]')?.textContent).toBe(
      'The release of v3 was aborted: the split is back on v2, but route /spec/http/0 (not edited here) still sends requests to v3.',
    );
  });

  it('says all traffic when no rule or route sends elsewhere', () => {
    render('finalized', releaseViewFixture({ v2: 0, v3: 100 }, at));
    expect(dom.host.querySelector('[role="status"]')?.textContent).toContain(
      'v3 is released: it takes all traffic',
    );
  });
});
