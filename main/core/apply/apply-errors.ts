// Kubernetes answers turned into the contract's typed errors, worded for the operator: a 403
// names the verb, the resource and the namespace; a dead connection says "unavailable".

import type { ApiError, ApiErrorCode } from '../../../shared/api/errors.ts';
import type { PlanTarget } from '../../../shared/mesh/plan/index.ts';
import { KubeRequestError } from '../kube-api.ts';

/** Statuses after which the write may or may not have happened. */
export function outcomeUnknown(err: unknown): boolean {
  return !(err instanceof KubeRequestError) || err.status === 0 || err.status >= 500;
}

/** 409 (stale resourceVersion) or 422 (a failed `test`, or an invalid object): re-read and decide. */
export function maybeConflict(err: unknown): boolean {
  return err instanceof KubeRequestError && (err.status === 409 || err.status === 422);
}

function codeOf(status: number): ApiErrorCode {
  if (status === 0) return 'unavailable';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'invalid-request';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429 || status >= 500) return 'unavailable';
  return 'internal';
}

function describeTarget(t: PlanTarget): string {
  return `${t.kind} ${t.namespace}/${t.name}`;
}

export function apiErrorOf(err: unknown, target: PlanTarget, details?: Record<string, unknown>): ApiError {
  if (err instanceof KubeRequestError) {
    const where = err.namespace ? ` in ${err.namespace}` : '';
    const message =
      err.status === 403
        ? `you may not ${err.verb} ${err.resource}${where}`
        : err.status === 0
          ? `the cluster did not answer while trying to ${err.verb} ${describeTarget(target)}: ${err.message}`
          : `${err.verb} ${describeTarget(target)} failed (${err.status}${err.reason ? ` ${err.reason}` : ''}): ${err.message}`;
    return {
      code: codeOf(err.status),
      message,
      details: {
        status: err.status,
        verb: err.verb,
        resource: err.resource,
        namespace: err.namespace,
        name: err.objectName,
        serverMessage: err.message,
        ...details,
      },
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  const code: ApiErrorCode = err instanceof Error && err.name === 'WaitTimeoutError' ? 'timeout' : 'internal';
  return { code, message: `${describeTarget(target)}: ${message}`, ...(details ? { details } : {}) };
}
