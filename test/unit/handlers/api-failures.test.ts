import { describe, expect, it } from 'vitest';
import { dispatchCall } from '../../../main/core/api-dispatch.ts';
import { DraftNotFoundError } from '../../../main/core/drafts/draft-store.ts';
import { apiFailureOf } from '../../../main/core/handlers/api-failures.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { ReleaseEditError, type SourceRef } from '../../../shared/mesh/model/index.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

// Services throw their own errors; the dispatcher alone turns them into the contract's failures.

const target: SourceRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'shop',
  name: 'reviews',
};

function throwing(err: unknown) {
  return fakeHandlers({
    'rules.check': async () => {
      throw err;
    },
  });
}

describe('domain errors through the dispatcher', () => {
  it('answers a release edit error as invalid-request, naming the object and the field', async () => {
    const err = new ReleaseEditError('weights must add up to 100', target, 'spec.http[1].route');
    const result = await dispatchCall(throwing(err), 'rules.check', { patterns: [] });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'weights must add up to 100 (VirtualService shop/reviews, spec.http[1].route)',
      },
    });
  });

  it('answers a missing draft as not-found', async () => {
    const result = await dispatchCall(throwing(new DraftNotFoundError('no draft x')), 'rules.check', {
      patterns: [],
    });
    expect(result).toEqual({ ok: false, error: { code: 'not-found', message: 'no draft x' } });
  });

  it('leaves ApiFailures and unknown errors as they are', () => {
    const failure = new ApiFailure('conflict', 'changed meanwhile');
    expect(apiFailureOf(failure)).toBe(failure);
    const other = new Error('boom');
    expect(apiFailureOf(other)).toBe(other);
  });
});
