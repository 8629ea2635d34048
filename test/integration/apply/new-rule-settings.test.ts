// A rule added the way the console adds one (DesiredReleaseInput → desiredFromInput → planRelease)
// reaches the demo mesh named, with the catch-all's timeout and retries, or with the operator's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredFromInput } from '../../../main/core/services/desired-release-input.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import { DesiredReleaseInput } from '../../../shared/api/console-schemas.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { planRelease } from '../../../shared/mesh/plan/index.ts';
import type { Harness } from './demo-harness.ts';
import { defaultRoute, startHarness } from './demo-harness.ts';

const who = { context: 'demo-admin', user: 'demo-admin' };
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ demo: { requestsPerSecond: 0 } });
});
afterAll(async () => {
  await h?.stop();
});

type Http = Array<Record<string, unknown>>;
const reviews = () => h.objects().find((o) => o.kind === 'VirtualService' && o.metadata.name === 'reviews');
const httpOf = (vs: KubeObject | undefined) =>
  ((vs?.spec as { http?: Http } | undefined)?.http ?? []) as Http;

/** The rules as they are, plus `extra`, as the rules editor sends them. */
function input(extra: Record<string, unknown>) {
  const release = h.release();
  return DesiredReleaseInput.parse({
    split: [],
    rules: [
      ...release.rules.map((r) => ({ id: r.id, version: r.version, enabled: true })),
      {
        version: 'v2',
        enabled: true,
        conditions: [[{ kind: 'header', name: 'x-canary', op: 'exact', value: '1' }]],
        ...extra,
      },
    ],
  });
}

async function planAndApply(extra: Record<string, unknown>) {
  const release = h.release();
  const plan = planRelease(release, desiredFromInput(release, input(extra), re2Engine()), h.objects());
  const patch = plan.steps.find((s) => s.target.kind === 'VirtualService')!.patch;
  const result = await h.engine.apply({ plan, objects: h.objects(), ...who });
  expect(result.ok).toBe(true);
  return patch;
}

describe('a new rule through the console path to the demo mesh', () => {
  it('carries a name and the catch-all’s timeout and retries in the planned patch and in the cluster', async () => {
    const catchAll = defaultRoute(reviews());
    expect(catchAll?.timeout).toBeDefined();
    const patch = await planAndApply({});
    const added = patch.find((op) => op.op === 'add')!.value as Record<string, unknown>;
    expect(added).toMatchObject({
      name: 'v2-header-x-canary',
      timeout: catchAll!.timeout,
      retries: catchAll!.retries,
    });
    expect(httpOf(reviews()).find((r) => r.name === 'v2-header-x-canary')).toMatchObject({
      timeout: catchAll!.timeout,
      retries: catchAll!.retries,
    });
  });

  it('carries the operator’s own timeout, no retries when told none, and a name unique in the route', async () => {
    const patch = await planAndApply({ timeout: '3s', retries: null });
    const added = patch.find((op) => op.op === 'add')!.value as Record<string, unknown>;
    expect(added.name).toBe('v2-header-x-canary-2');
    expect(added.timeout).toBe('3s');
    expect(added).not.toHaveProperty('retries');
  });

  it('refuses a timeout that is not a duration', () => {
    expect(() => input({ timeout: 'soon' })).toThrow(/duration/);
  });
});
