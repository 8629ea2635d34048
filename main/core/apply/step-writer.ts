// One write of one step (or its dry-run), with the conflict rule: on 409/422 re-read, re-issue on
// the fresh resourceVersion when the other change left our fields alone, else stop with both
// sides. On a 5xx or a lost connection, re-read to tell "did not happen" from "happened".

import type { ApiError } from '../../../shared/api/errors.ts';
import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, fieldOf } from '../../../shared/mesh/model/index.ts';
import type { KubeApi } from '../kube-api.ts';
import { KubeRequestError } from '../kube-api.ts';
import { apiErrorOf, maybeConflict, outcomeUnknown } from './apply-errors.ts';
import type { ApplyProgress, ConflictView, EngineStep, StepState } from './apply-types.ts';
import { actionOf } from './apply-types.ts';
import { comparablePart, sameContent, withoutTests } from './inverse-patch.ts';
import { rebasePatch } from './rebase-patch.ts';

export interface WriteContext {
  api: KubeApi;
  maxRebases: number;
  onProgress?: (e: ApplyProgress) => void;
  /** Waits before a write the server refused with 429 is sent again (none: not sent again). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A 429 (priority and fairness: too many requests) is an answer to a request the server did not
 * run: sent again after 1 s, 2 s and 3 s, as client-go retries it, before the step fails.
 */
const BUSY_RETRIES = 3;
const isTooManyRequests = (err: unknown) => err instanceof KubeRequestError && err.status === 429;

export type WriteOutcome =
  | {
      ok: true;
      /** The object the write started from (fresh after a rebase), and the server's answer. */
      before: KubeObject | null;
      after: KubeObject | null;
      /** The patch as finally sent (with the resourceVersion it was rebased on). */
      patch: JsonPatchOp[];
      rebased: number;
    }
  | {
      ok: false;
      state: StepState;
      error: ApiError;
      conflict?: ConflictView;
      /** When the write turned out to have happened despite the error. */
      after?: KubeObject | null;
      rebased: number;
    };

function isNotFound(err: unknown): boolean {
  return err instanceof KubeRequestError && err.status === 404;
}

async function readOrNull(api: KubeApi, step: EngineStep): Promise<KubeObject | null> {
  try {
    return await api.get(step.target);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

function intended(base: KubeObject | null, patch: readonly JsonPatchOp[]): KubeObject | null {
  if (!base) return null;
  try {
    return applyJsonPatch(base, withoutTests(patch));
  } catch {
    return null;
  }
}

function conflictOf(
  step: EngineStep,
  paths: string[],
  base: KubeObject | null,
  patch: readonly JsonPatchOp[],
  theirs: KubeObject | null,
): { error: ApiError; conflict: ConflictView } {
  const conflict: ConflictView = {
    stepId: step.id,
    target: step.target,
    paths,
    ours: { base, intended: intended(base, patch) },
    theirs,
  };
  const fields = paths.map((p) => fieldOf(p) || '(whole object)').join(', ');
  const t = step.target;
  const message = theirs
    ? `${t.kind} ${t.namespace}/${t.name} was changed by someone else at ${fields}; nothing was overwritten`
    : `${t.kind} ${t.namespace}/${t.name} no longer exists; nothing was written`;
  return { error: { code: 'conflict', message, details: { conflict } }, conflict };
}

/** Patches: rebase on conflict. Creates and deletes: a conflict is final. */
export async function writeStep(
  ctx: WriteContext,
  step: EngineStep,
  base: KubeObject | null,
  patchIn: readonly JsonPatchOp[],
  dryRun: boolean,
): Promise<WriteOutcome> {
  const { api } = ctx;
  const action = actionOf(step);
  let patch = [...patchIn];
  let before = base;
  let rebased = 0;
  let busy = 0;
  for (;;) {
    try {
      if (action === 'create' && step.action === 'create') {
        const after = await api.create(step.object, { dryRun });
        return { ok: true, before, after, patch, rebased };
      }
      if (action === 'delete' && step.action === 'delete') {
        const { resourceVersion: rv, uid } = step.preconditions ?? {};
        const preconditions = { ...(rv ? { resourceVersion: rv } : {}), ...(uid ? { uid } : {}) };
        try {
          await api.delete(step.target, {
            dryRun,
            ...(rv || uid ? { preconditions } : {}),
          });
        } catch (err) {
          // Already gone: what the step wanted is true.
          if (!isNotFound(err)) throw err;
        }
        return { ok: true, before, after: null, patch, rebased };
      }
      const after = await api.patch(step.target, patch, { dryRun });
      return { ok: true, before, after, patch, rebased };
    } catch (err) {
      if (isTooManyRequests(err) && ctx.sleep && busy < BUSY_RETRIES) {
        busy++;
        await ctx.sleep(busy * 1000);
        continue;
      }
      if (maybeConflict(err)) {
        let fresh: KubeObject | null;
        try {
          fresh = await readOrNull(api, step);
        } catch (readErr) {
          return { ok: false, state: 'untouched', error: apiErrorOf(readErr, step.target), rebased };
        }
        if (action !== 'patch') {
          if (action === 'create' && fresh)
            return { ok: false, state: 'untouched', rebased, ...conflictOf(step, [''], null, [], fresh) };
          return {
            ok: false,
            state: 'untouched',
            rebased,
            ...conflictOf(step, ['/metadata/resourceVersion'], base, [], fresh),
          };
        }
        if (!fresh)
          return { ok: false, state: 'untouched', rebased, ...conflictOf(step, [''], base, patch, null) };
        const r = rebasePatch(patch, fresh, base);
        if (!r.ok)
          return { ok: false, state: 'untouched', rebased, ...conflictOf(step, r.paths, base, patch, fresh) };
        // Every precondition holds on the fresh object: the server refused the content itself.
        if (!r.changed || rebased >= ctx.maxRebases)
          return { ok: false, state: 'untouched', error: apiErrorOf(err, step.target), rebased };
        patch = r.patch;
        before = fresh;
        rebased++;
        ctx.onProgress?.({
          type: 'rebased',
          stepId: step.id,
          resourceVersion: fresh.metadata.resourceVersion ?? '',
        });
        continue;
      }
      if (dryRun || !outcomeUnknown(err))
        return { ok: false, state: 'untouched', error: apiErrorOf(err, step.target), rebased };
      return { ...(await settleUnknown(api, step, before, patch, err)), rebased };
    }
  }
}

/** After a 5xx or a cut connection: look at the object to learn whether the write happened. */
async function settleUnknown(
  api: KubeApi,
  step: EngineStep,
  before: KubeObject | null,
  patch: readonly JsonPatchOp[],
  cause: unknown,
): Promise<Omit<Extract<WriteOutcome, { ok: false }>, 'rebased'>> {
  const error = apiErrorOf(cause, step.target);
  let live: KubeObject | null;
  try {
    live = await readOrNull(api, step);
  } catch {
    return { ok: false, state: 'unknown', error };
  }
  const action = actionOf(step);
  if (action === 'create' && step.action === 'create') {
    if (!live) return { ok: false, state: 'untouched', error };
    const same = sameContent(comparablePart(step.object), live);
    return same
      ? { ok: false, state: 'applied', error, after: live }
      : { ok: false, state: 'unknown', error };
  }
  if (action === 'delete') {
    if (!live) return { ok: false, state: 'applied', error, after: null };
    return live.metadata.resourceVersion === before?.metadata.resourceVersion
      ? { ok: false, state: 'untouched', error }
      : { ok: false, state: 'unknown', error };
  }
  if (live && before && live.metadata.resourceVersion === before.metadata.resourceVersion)
    return { ok: false, state: 'untouched', error };
  const want = intended(before, patch);
  if (live && want && sameContent(want, live)) return { ok: false, state: 'applied', error, after: live };
  return { ok: false, state: 'unknown', error };
}
