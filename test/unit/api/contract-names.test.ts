import { describe, expect, it } from 'vitest';
import { dispatchCall } from '../../../main/core/api-dispatch.ts';
import type { CallName } from '../../../shared/api/contract.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

// What enters the contract is checked where it arrives: a namespace or object name that is not a
// Kubernetes name, or a split naming one version twice, never reaches a handler.

const reached: string[] = [];
const handlers = fakeHandlers(
  Object.fromEntries(
    (
      [
        'drafts.import',
        'drafts.plan',
        'release.plan',
        'release.preview',
        'drafts.update',
        'rollout.promote',
        'rollout.abort',
      ] as CallName[]
    ).map((name) => [
      name,
      async () => {
        reached.push(name);
        throw new Error('the handler must not be reached');
      },
    ]),
  ),
);

async function refusal(channel: string, payload: unknown) {
  reached.length = 0;
  const result = await dispatchCall(handlers, channel, payload);
  expect(reached).toEqual([]);
  if (result.ok) throw new Error(`${channel} was accepted`);
  expect(result.error.code).toBe('invalid-request');
  return result.error.message;
}

const files = [{ name: 'vs.yaml', text: 'kind: VirtualService' }];

describe('names entering the contract', () => {
  it.each(['../../x', 'shop\nx', 'Shop', '-shop', 'a'.repeat(64), ''])(
    'drafts.import refuses the namespace %j',
    async (namespace) => {
      const message = await refusal('drafts.import', { contextId: 'prod', namespace, files });
      expect(message).toContain('namespace: not a namespace name');
    },
  );

  it('refuses a conflict resolution naming an object by something that is not a Kubernetes name', async () => {
    const resolution = {
      kind: 'VirtualService',
      namespace: 'shop',
      name: '../x',
      path: '/spec',
      take: 'draft',
    };
    expect(await refusal('drafts.plan', { id: 'd1', resolutions: [resolution] })).toContain(
      'resolutions.0.name: not an object name',
    );
    const badNs = { ...resolution, name: 'reviews', namespace: 'shop\n' };
    expect(await refusal('drafts.plan', { id: 'd1', resolutions: [badNs] })).toContain(
      'resolutions.0.namespace: not a namespace name',
    );
  });
});

describe('grayscale release ids', () => {
  it.each(['', '../x', 'shop/reviews.v2', 'Shop.reviews.v2'])('are refused when they are %j', async (id) => {
    expect(await refusal('rollout.promote', { contextId: 'demo', id })).toContain('id: not a release id');
    expect(await refusal('rollout.abort', { contextId: 'demo', id })).toContain('id: not a release id');
    expect(await refusal('rollout.health', { contextId: 'demo', id })).toContain('id: not a release id');
  });
});

describe('a split naming one version twice', () => {
  const desired = {
    split: [
      { version: 'v1', weight: 90 },
      { version: 'v2', weight: 10 },
      { version: 'v1', weight: 0 },
    ],
    rules: [],
  };
  const message =
    "desired.split.2.version: version 'v1' is named twice in the split; give each version one weight";

  it('is refused by release.plan and release.preview, naming the version', async () => {
    const target = { contextId: 'demo', releaseId: 'istio:shop/reviews' };
    expect(await refusal('release.plan', { ...target, desired })).toBe(`release.plan: ${message}`);
    expect(await refusal('release.preview', { ...target, desired })).toBe(`release.preview: ${message}`);
  });

  it('is refused by drafts.update', async () => {
    expect(await refusal('drafts.update', { id: 'd1', desired })).toBe(`drafts.update: ${message}`);
  });
});
