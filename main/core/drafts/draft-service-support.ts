// Small pieces the drafts service shares: one-at-a-time work per draft, and names for new drafts
// and exported files. (Its errors cross the contract through handlers/api-failures.ts.)

import { randomBytes } from 'node:crypto';

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
