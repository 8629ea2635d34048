// release.apply's waits before the write: the proxies' baseline and who applies (the context's
// kubeconfig user) are read side by side, and the engine writes only once the baseline is taken.
import { describe, expect, it } from 'vitest';
import type { ConsoleServices } from '../../../main/core/services/console-services.ts';
import { applyPlan } from '../../../main/core/services/release-changes.ts';

function deferred<T>() {
  let resolve: (v: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('applyPlan', () => {
  it('reads the proxies baseline while who applies is read, and writes only after the baseline', async () => {
    const calls: string[] = [];
    const user = deferred<string>();
    const baseline = deferred<void>();
    const stored = { contextId: 'c', releaseId: 'r', plan: { steps: [] }, kind: 'change', description: 'd' };
    const session = { releases: { flush: () => calls.push('flush') } };
    const s = {
      plans: {
        find: () => stored,
        forget: () => calls.push('forget'),
        currentObjects: () => [],
        engineFor: () => ({
          apply: async (req: { user: string }) => {
            calls.push(`engine.apply by ${req.user}`);
            return { ok: true, steps: [], durationMs: 1 };
          },
        }),
      },
      ready: async () => session,
      sessions: {
        user: () => {
          calls.push('user');
          return user.promise;
        },
      },
      proxies: {
        markChange: () => {
          calls.push('markChange');
          return baseline.promise;
        },
      },
      events: { progress: () => {} },
      announce: async () => {},
    } as unknown as ConsoleServices;

    const applied = applyPlan(s, 'p1');
    await new Promise((r) => setTimeout(r, 0));
    // Both reads are under way before either answered.
    expect(calls).toEqual(['user', 'markChange']);
    user.resolve('me');
    await new Promise((r) => setTimeout(r, 0));
    // Who applies is known, the baseline is not: nothing is written yet.
    expect(calls).not.toContain('engine.apply by me');
    baseline.resolve();
    await applied;
    expect(calls).toEqual(['user', 'markChange', 'forget', 'engine.apply by me', 'flush']);
  });
});
