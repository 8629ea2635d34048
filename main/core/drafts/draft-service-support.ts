// Small pieces the drafts service shares: the error codes its failures cross the contract with,
// one-at-a-time work per draft, and names for new drafts and exported files.

import { randomBytes } from 'node:crypto';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { MergeResolutionError } from '../../../shared/mesh/merge-resolutions.ts';
import { ReleaseEditError } from '../../../shared/mesh/release-model.ts';
import { DraftFormatError } from './draft-schema.ts';
import { DraftNotFoundError } from './draft-store.ts';

/** The ApiFailure a drafts error crosses the contract as (other errors are left as they are). */
export function asApiFailure(err: unknown): unknown {
  if (err instanceof ApiFailure) return err;
  if (err instanceof DraftNotFoundError) return new ApiFailure('not-found', err.message);
  if (err instanceof DraftFormatError || err instanceof MergeResolutionError)
    return new ApiFailure('invalid-request', err.message);
  if (err instanceof ReleaseEditError) {
    const where = err.target
      ? ` (${err.target.kind} ${err.target.namespace}/${err.target.name}${err.field ? `, ${err.field}` : ''})`
      : '';
    return new ApiFailure('invalid-request', `${err.message}${where}`);
  }
  return err;
}

/** Wraps a handler so its drafts errors reach the renderer with their codes. */
export function withApiErrors<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (err) {
      throw asApiFailure(err);
    }
  };
}

/** Runs work on one draft after the work already queued on it (read-modify-write stays whole). */
export function createSerializer() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(id: string, work: () => Promise<T>): Promise<T> => {
    const run = (tails.get(id) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(id, tail);
    void tail.then(() => {
      if (tails.get(id) === tail) tails.delete(id);
    });
    return run;
  };
}

/** Letters, digits, - and _ from a name, for ids and file names ('' when none are left). */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 48);
}

/** A fresh draft id (valid for DRAFT_ID): the service's name and a random part. */
export function newDraftId(service: string): string {
  return `${slugOf(service) || 'draft'}-${randomBytes(4).toString('hex')}`;
}

export function objectLabel(k: { kind: string; namespace: string; name: string }): string {
  return `${k.kind} ${k.namespace}/${k.name}`;
}
