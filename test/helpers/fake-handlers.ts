import type { ApiHandlers } from '../../main/core/api-dispatch.ts';
import { callNames } from '../../shared/api/contract.ts';
import { ApiFailure } from '../../shared/api/errors.ts';

/** Handlers for transport tests: the given ones, every other call answering 'unavailable'. */
export function fakeHandlers(given: Partial<ApiHandlers>): ApiHandlers {
  const all = Object.fromEntries(
    callNames.map((name) => [
      name,
      given[name] ??
        (async () => {
          throw new ApiFailure('unavailable', `${name} is not part of this test`);
        }),
    ]),
  );
  return all as ApiHandlers;
}
