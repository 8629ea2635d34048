// Domain errors as the contract's failures, in one place: the dispatcher maps every error a
// handler throws through this, so services throw their own errors and never pick an API code.

import { ApiFailure } from '../../../shared/api/errors.ts';
import { MergeResolutionError } from '../../../shared/drafts/merge-resolutions.ts';
import { ReleaseEditError } from '../../../shared/mesh/model/index.ts';
import { DraftFormatError } from '../drafts/draft-schema.ts';
import { DraftNotFoundError } from '../drafts/draft-store.ts';

/** The ApiFailure a domain error crosses the contract as; other errors are returned as they are. */
export function apiFailureOf(err: unknown): unknown {
  if (err instanceof ApiFailure) return err;
  if (err instanceof DraftNotFoundError) return new ApiFailure('not-found', err.message);
  if (err instanceof DraftFormatError || err instanceof MergeResolutionError)
    return new ApiFailure('invalid-request', err.message);
  if (err instanceof ReleaseEditError) {
    // The message, the object and the field, as the operator reads it.
    const where = err.target
      ? ` (${err.target.kind} ${err.target.namespace}/${err.target.name}${err.field ? `, ${err.field}` : ''})`
      : '';
    return new ApiFailure('invalid-request', `${err.message}${where}`);
  }
  return err;
}
