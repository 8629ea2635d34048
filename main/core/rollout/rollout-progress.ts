// Whether a Deployment's rollout is done, read from its status the way `kubectl rollout status`
// reads it, and a wait that streams progress and, on timeout, says why (from the conditions).

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { ObjectTarget } from '../kube-api.ts';

export interface RolloutProgress {
  name: string;
  replicas: number;
  updated: number;
  ready: number;
  available: number;
  /** Pods of any revision, old ones still terminating included. */
  total: number;
  done: boolean;
  /** One line: "2 of 3 updated, 1 ready". */
  message: string;
  /** The controller gave up (ProgressDeadlineExceeded) or a condition explains the wait. */
  reason?: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface DeploymentLike {
  metadata: { name: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: Condition[];
  };
}

function conditionReason(conditions: readonly Condition[] | undefined): string | undefined {
  const failing = (conditions ?? []).filter(
    (c) => c.status === 'False' || c.reason === 'ProgressDeadlineExceeded',
  );
  if (failing.length === 0) return undefined;
  return failing
    .map((c) => `${c.type}=${c.status} (${c.reason ?? 'no reason'}${c.message ? `: ${c.message}` : ''})`)
    .join('; ');
}

export function rolloutProgress(obj: KubeObject): RolloutProgress {
  const d = obj as unknown as DeploymentLike;
  const replicas = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const ready = s.readyReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const total = s.replicas ?? 0;
  const observed = (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
  const done =
    observed && updated >= replicas && ready >= replicas && available >= replicas && total <= replicas;
  const parts = [`${Math.min(updated, replicas)} of ${replicas} updated`, `${ready} ready`];
  if (total > replicas) parts.push(`${total - replicas} old pod(s) terminating`);
  if (!observed) parts.push('waiting for the controller to see the change');
  const reason = conditionReason(s.conditions);
  return {
    name: d.metadata.name,
    replicas,
    updated,
    ready,
    available,
    total,
    done,
    message: parts.join(', '),
    ...(reason ? { reason } : {}),
  };
}

export class RolloutError extends Error {
  override name = 'RolloutError';
  constructor(
    message: string,
    readonly code: 'timeout' | 'failed' | 'not-found',
    readonly progress?: RolloutProgress,
  ) {
    super(message);
  }
}

/** Follows one object: calls back with it on every change it sees (null once it is gone). */
export interface ObjectWatcher {
  watch(target: ObjectTarget, onObject: (obj: KubeObject | null) => void): () => void;
}

export function waitForRollout(
  watcher: ObjectWatcher,
  target: ObjectTarget,
  opts: { timeoutMs: number; onProgress?: (p: RolloutProgress) => void },
): Promise<RolloutProgress> {
  return new Promise((resolve, reject) => {
    let last: RolloutProgress | undefined;
    let lastMessage = '';
    let settled = false;
    let stop: (() => void) | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      queueMicrotask(() => stop?.());
      fn();
    };
    const timer = setTimeout(() => {
      const why = last
        ? `${last.message}${last.reason ? `; ${last.reason}` : ''}`
        : 'the Deployment was never seen';
      finish(() =>
        reject(
          new RolloutError(
            `rollout of ${target.name} did not finish within ${opts.timeoutMs / 1000} s: ${why}`,
            'timeout',
            last,
          ),
        ),
      );
    }, opts.timeoutMs);
    stop = watcher.watch(target, (obj) => {
      if (settled) return;
      if (!obj) {
        if (last)
          finish(() =>
            reject(
              new RolloutError(`Deployment ${target.name} was deleted during its rollout`, 'not-found', last),
            ),
          );
        return;
      }
      const p = rolloutProgress(obj);
      last = p;
      if (p.message !== lastMessage) {
        lastMessage = p.message;
        opts.onProgress?.(p);
      }
      if (p.done) finish(() => resolve(p));
      else if (p.reason?.includes('ProgressDeadlineExceeded'))
        finish(() => reject(new RolloutError(`rollout of ${target.name} failed: ${p.reason}`, 'failed', p)));
    });
    if (settled) stop();
  });
}
