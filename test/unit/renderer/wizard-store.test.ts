import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { suggestVersion } from '../../../renderer/src/features/wizard/create-step.tsx';
import {
  createWizardStore,
  stepOf,
  withProgress,
  wizardKey,
} from '../../../renderer/src/stores/wizard-store.ts';
import type { RolloutPlanProgress, RolloutPlanView } from '../../../shared/api/console-schemas.ts';

function release(phase: RolloutPlanView['phase'], extra: Partial<RolloutPlanView> = {}): RolloutPlanView {
  return {
    id: 'bookinfo.reviews.v4',
    contextId: 'demo',
    releaseId: 'istio:bookinfo/reviews.bookinfo.svc.cluster.local',
    namespace: 'bookinfo',
    stable: { version: 'v3', deployment: 'reviews-v3' },
    canary: { version: 'v4', deployment: 'reviews-v4', image: 'img:2', replicas: 2 },
    phase,
    running: false,
    changes: 0,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    ...extra,
  };
}

describe('the wizard steps', () => {
  it('starts at creating the version when there is no release yet', () => {
    expect(stepOf(undefined)).toBe('create');
  });

  it('waits for the rollout while main creates, rolls out and declares the subset', () => {
    for (const phase of ['creating', 'rolling-out', 'adding-subset'] as const)
      expect(stepOf(release(phase))).toBe('rollout');
  });

  it('asks for a policy once ready, and observes once traffic is routed, unless the operator goes elsewhere', () => {
    expect(stepOf(release('ready'))).toBe('policy');
    expect(stepOf(release('routing'))).toBe('observe');
    expect(stepOf(release('routing'), 'policy')).toBe('policy');
    expect(stepOf(release('routing'), 'promote')).toBe('promote');
    // A choice that does not fit the phase is ignored.
    expect(stepOf(release('routing'), 'create')).toBe('observe');
  });

  it('finalizes after promotion (also after a refused finalize) and ends when finalized or aborted', () => {
    expect(stepOf(release('promoted'))).toBe('finalize');
    expect(stepOf(release('finalizing'))).toBe('finalize');
    expect(stepOf(release('finalized'))).toBe('done');
    expect(stepOf(release('aborted'))).toBe('done');
  });
});

describe('progress events', () => {
  const progress = (p: Partial<RolloutPlanProgress>): RolloutPlanProgress => ({
    contextId: 'demo',
    id: 'bookinfo.reviews.v4',
    releaseId: 'istio:bookinfo/reviews.bookinfo.svc.cluster.local',
    phase: 'rolling-out',
    running: true,
    ...p,
  });
  const rollout = {
    replicas: 2,
    updated: 2,
    ready: 1,
    available: 1,
    done: false,
    message: '2 of 2 updated, 1 ready',
  };

  it('fold the phase and rollout into the release, keeping the last rollout when an event has none', () => {
    const a = withProgress(release('creating'), progress({ rollout }));
    expect(a).toMatchObject({ phase: 'rolling-out', running: true, rollout: { ready: 1 } });
    const b = withProgress(a, progress({ phase: 'adding-subset' }));
    expect(b.phase).toBe('adding-subset');
    expect(b.rollout?.ready).toBe(1);
  });

  it('replace an old error with the new one, and clear it when the event has none', () => {
    const failed = withProgress(release('rolling-out'), progress({ error: 'rollout timed out' }));
    expect(failed.lastError).toBe('rollout timed out');
    expect(withProgress(failed, progress({ phase: 'ready', running: false })).lastError).toBeUndefined();
  });

  it('reach the store, which updates the release the panel shows', () => {
    let emit: ((p: RolloutPlanProgress) => void) | undefined;
    const api = {
      on: (event: string, listener: (p: RolloutPlanProgress) => void) => {
        if (event === 'rollout.progress') emit = listener;
        return () => {};
      },
      call: async () => ({ ok: false, error: { code: 'unavailable', message: 'test' } }),
    } as unknown as ApiClient;
    const store = createWizardStore(api);
    store.setState({ releases: { [wizardKey('demo', 'bookinfo.reviews.v4')]: release('creating') } });
    emit?.(progress({ rollout }));
    expect(store.getState().releases[wizardKey('demo', 'bookinfo.reviews.v4')]?.rollout?.message).toBe(
      '2 of 2 updated, 1 ready',
    );
  });
});

describe('the suggested name of a new version', () => {
  it('is the next number after the highest vN', () => {
    expect(suggestVersion(['v1', 'v2', 'v10', 'canary'])).toBe('v11');
  });
  it('falls back to "canary" when no version is numbered', () => {
    expect(suggestVersion(['stable', 'blue'])).toBe('canary');
  });
});
